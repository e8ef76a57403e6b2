"""Domain operations. Each function takes the session first, flushes, and never commits:
the caller (a request, a CLI command, a seed load) owns the transaction."""

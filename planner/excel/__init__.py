"""Pure spreadsheet readers and writers: rows in, bytes out (and back), no Flask, no database."""

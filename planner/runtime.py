"""Settings of a serving process (gunicorn's workers, ``planner serve``), not of an app object: tests and
scripts build many apps in one process and keep Python's defaults.

Python's cyclic garbage collector runs after every 700 new container objects. A page that builds a few
thousand ORM rows triggered it dozens of times, now and then as a full pass over the whole heap: 15-20 % of a
large page's CPU in the profiles of ``docs/performance.md``. Almost every object a request makes is freed by
reference counting the moment the request ends, so collecting less often costs little memory; the objects
built at start-up (app, templates, translations, metadata) live as long as the process and, once frozen, are
never scanned again.
"""
from __future__ import annotations

import gc

GC_THRESHOLD = (50_000, 20, 100)  # generation 0 after 50.000 new containers (default 700, 10, 10)


def tune_for_serving() -> None:
    """Call once, after the app is built and before the first request."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)

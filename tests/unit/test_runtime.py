"""A serving process collects garbage less often and never rescans what it built at start-up."""
import gc

from planner import runtime


def test_tune_for_serving_raises_the_threshold_and_freezes_the_start_up_objects():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults (another test may have imported planner.wsgi)
    gc.unfreeze()
    try:
        runtime.tune_for_serving()
        assert gc.get_threshold() == runtime.GC_THRESHOLD and runtime.GC_THRESHOLD[0] > 700
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)

"""A serving process collects garbage less often and never rescans what it built at start-up."""
import gc

from planner import runtime


def test_tune_for_serving_raises_the_threshold_and_freezes_the_start_up_objects():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    try:
        runtime.tune_for_serving()
        assert gc.get_threshold() == runtime.GC_THRESHOLD and gc.get_threshold()[0] > before[0]
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)

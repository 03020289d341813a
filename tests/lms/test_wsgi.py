"""lms.wsgi: a worker's startup objects are moved out of the garbage collector's way, so a full
collection no longer walks them (the quiz-submit p95 outliers, bench/quiz_bench.py)."""

import gc

from lms.wsgi import application, freeze_startup_objects


def test_the_startup_objects_are_frozen_and_the_application_still_loads():
    gc.unfreeze()
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 10_000
        assert callable(application)
    finally:
        # As the test run left them (tests/conftest.py freezes what collection loaded).
        gc.unfreeze()
        freeze_startup_objects()

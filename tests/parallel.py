"""Run one function in many threads at once, for the race tests (SQLite and PostgreSQL)."""

import threading

from django.db import connections

PARALLEL = 20


def run_in_parallel(function, count=PARALLEL):
    """Start `count` threads that call `function` together; return (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(function())
        except Exception as error:  # noqa: BLE001 - collected and asserted on by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors

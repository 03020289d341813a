"""`make scale-test`: the site on two app servers behind HAProxy, two certificate workers,
PostgreSQL and Redis, driven by Locust's simulated learners (scale/run.py starts and stops it all)."""

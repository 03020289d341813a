"""Fewer round trips to the shared cache per request (issue 16).

A signed-in page reads a dozen small entries from the shared cache (Redis, or the database
cache): version numbers, a learner's stamp and permissions, routes, outlines, progress. Each read
is a round trip, and on a busy server the round trips, not the work, were most of a page's time.
So this module keeps, for the length of one request, what was read from (or written to) the cache:

- `PrefetchMiddleware` reads, in one round trip, the entries every signed-in request needs (the
  keys registered with `register_prefetch`: the content and permission versions, the learner's
  progress stamp and permissions).
- `get_many` / `get` answer from what this request already read, and fetch the rest in one round
  trip; `set_many` writes through; `forget` drops a key this request changed (a version bumped), so
  the next read goes to the cache again.

Outside a request (commands, tasks, tests calling services) everything goes straight to the cache.
Nothing here outlives its request, so no process ever serves another's stale entry.
"""

from contextvars import ContextVar

from django.core.cache import cache

_request_entries = ContextVar("request_cache_entries", default=None)
_prefetchers = []
MISSING = object()


def register_prefetch(keys_for_request):
    """`keys_for_request(request) -> [cache keys]` read by PrefetchMiddleware at each request."""
    if keys_for_request not in _prefetchers:
        _prefetchers.append(keys_for_request)


def _remember(found, asked):
    entries = _request_entries.get()
    if entries is not None:
        for key in asked:
            entries[key] = found.get(key, MISSING)


def get_many(keys):
    """{key: value} for the keys found, reading from the cache only what this request has not."""
    entries = _request_entries.get()
    if entries is None:
        return cache.get_many(keys)
    unknown = [key for key in keys if key not in entries]
    if unknown:
        _remember(cache.get_many(unknown), unknown)
    return {key: entries[key] for key in keys if entries[key] is not MISSING}


def get(key, default=None):
    return get_many([key]).get(key, default)


def prefetch(keys):
    """Read `keys` now, in one round trip, for the get/get_many calls that follow."""
    get_many(keys)


def set_many(values, timeout):
    cache.set_many(values, timeout)
    entries = _request_entries.get()
    if entries is not None:
        entries.update(values)


def forget(key):
    """This request changed `key` in the cache (cache.incr): read it afresh next time."""
    entries = _request_entries.get()
    if entries is not None:
        entries.pop(key, None)


class PrefetchMiddleware:
    """Put after AuthenticationMiddleware (prefetchers may ask who is signed in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_entries.set({})
        try:
            keys = [key for keys_for_request in _prefetchers for key in keys_for_request(request)]
            if keys:
                prefetch(keys)
            return self.get_response(request)
        finally:
            _request_entries.reset(token)

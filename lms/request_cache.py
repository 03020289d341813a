"""Fewer round trips to the shared cache per request (issue 16).

A signed-in page reads a dozen small entries from the shared cache (Redis, or the database
cache): version numbers, a learner's stamp and permissions, routes, outlines, progress. Each read
is a round trip, and on a busy server the round trips, not the work, were most of a page's time.
So this module keeps, for the length of one request, what was read from (or written to) the cache:

- `PrefetchMiddleware` reads, in one round trip, the session (lms/sessions.py) and the entries
  every request needs (keys registered with `register_prefetch`: the content and permission
  versions, the route and site of the address, a lesson body kept for it), then adds the signed-in
  person's entries (their permissions, progress stamp, outline fragments) to the request's next
  read, which the page makes anyway (its outline and progress): two round trips in all.
- `get_many` / `get` answer from what this request already read, and fetch the rest in one round
  trip; `set_many` writes through; `forget` drops a key this request changed (a version bumped), so
  the next read goes to the cache again.

Outside a request (commands, tasks, tests calling services) everything goes straight to the cache.
Nothing here outlives its request, so no process ever serves another's stale entry.
"""

from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

_request_entries = ContextVar("request_cache_entries", default=None)
_deferred = ContextVar("request_cache_deferred", default=None)
_prefetchers = {"now": [], "with_user": []}
MISSING = object()


def register_prefetch(keys_for_request, with_user=False):
    """`keys_for_request(request) -> [cache keys]`, read by PrefetchMiddleware at each request:
    at once, or (`with_user`: keys that name the signed-in person, read from the session the
    prefetch brought) along with the request's next read from the cache."""
    found = _prefetchers["with_user" if with_user else "now"]
    if keys_for_request not in found:
        found.append(keys_for_request)


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
        deferred = _deferred.get()
        if deferred:  # read with these, in the same round trip
            unknown += [key for key in deferred if key not in entries and key not in unknown]
            deferred.clear()
        _remember(cache.get_many(unknown), unknown)
    return {key: entries[key] for key in keys if entries[key] is not MISSING}


def get(key, default=None):
    return get_many([key]).get(key, default)


def prefetch(keys):
    """Read `keys` now, in one round trip, for the get/get_many calls that follow (outside a
    request there is nothing to keep them in: each read goes to the cache)."""
    if _request_entries.get() is not None:
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
    """Put after SessionMiddleware and AuthenticationMiddleware. Reads the session (when the
    engine is lms.sessions) with the entries that need nobody's name, then names the signed-in
    person's entries for the request's next read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = _request_entries.set({}), _deferred.set([])
        try:
            keys = [key for keys_for_request in _prefetchers["now"] for key in keys_for_request(request)]
            session = getattr(request, "session", None)
            if session is not None and hasattr(session, "prefetch_key") and session.session_key:
                keys.append(session.prefetch_key())
            if keys:
                prefetch(keys)
            _deferred.get().extend(key for later in _prefetchers["with_user"] for key in later(request))
            return self.get_response(request)
        finally:
            _request_entries.reset(tokens[0])
            _deferred.reset(tokens[1])


class SharedVersion:
    """A version number in the shared cache that entries are kept under (content, permissions):
    bumping it leaves every entry of the old version unread. Read through this request's entries
    (the version is one of the keys prefetched at the start of a request)."""

    def __init__(self, key):
        self.key = key

    def current(self):
        version = get(self.key)
        if version is None:
            version = 1
            cache.add(self.key, version, None)
            forget(self.key)
        return version

    def _increment(self):
        forget(self.key)
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, 2, None)

    def bump(self):
        """Now, and again when the transaction commits, so a request that read the old rows in
        between (before the commit) cannot leave them kept under the new version."""
        self._increment()
        transaction.on_commit(self._increment)

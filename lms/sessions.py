"""Sessions as Django's cached_db engine keeps them (read from the shared cache, written through to
the database), read with the request's other common cache entries in one round trip
(lms/request_cache.py, PrefetchMiddleware): SESSION_ENGINE = "lms.sessions"."""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from . import request_cache


class SessionStore(cached_db.SessionStore):
    def prefetch_key(self):
        """The cache key of this session, for PrefetchMiddleware."""
        return self.cache_key_prefix + self.session_key

    def load(self):
        if self.session_key is not None and settings.SESSION_CACHE_ALIAS == "default":
            data = request_cache.get(self.cache_key)  # prefetched: no round trip of its own
            if data is not None:
                return data
        return super().load()  # not in the cache: the database (and the cache again)

    def save(self, must_create=False):
        super().save(must_create)
        request_cache.forget(self.cache_key)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        super().delete(session_key)
        if key:
            request_cache.forget(self.cache_key_prefix + key)

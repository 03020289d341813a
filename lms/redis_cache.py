"""Django's Redis cache backend, with one Redis client object per connection pool.

Django's client makes a new `redis.Redis` for every cache operation, and building one sets up its
table of about 170 response callbacks: on a signed-in page (two reads from the cache) that was
about a twentieth of the page's time (issue 16, bench/signed_in_cpu.py). A `redis.Redis` holds no
connection of its own (it takes one from the pool for each command), so one per pool serves every
operation, as redis-py intends.

Keys are not checked against memcached's rules: Redis keys are binary-safe and may be long, and
Django's check (each character of each key, ~15 keys a signed-in page) only ever warns.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """CACHES backend "lms.redis_cache.RedisCache": Django's, with the client above and without
    memcached's key warnings."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def validate_key(self, key):
        """Nothing to check: memcached's key limits do not apply to Redis."""

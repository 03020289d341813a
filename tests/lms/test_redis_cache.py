"""lms.redis_cache: Django's Redis backend, building one Redis client per connection pool rather
than one per cache operation (no server is needed: building a client connects to nothing)."""

from lms.redis_cache import RedisCache


def test_every_operation_uses_the_same_client_of_its_pool():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("any-key", write=False) is client
    assert client.connection_pool is cache._cache._get_connection_pool(write=True)


def test_a_cache_of_two_servers_reads_from_the_second_and_writes_to_the_first():
    cache = RedisCache(["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6380/0"], {})
    writer, reader = cache._cache.get_client(write=True), cache._cache.get_client()
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["port"] == 6379
    assert reader.connection_pool.connection_kwargs["port"] == 6380
    assert cache._cache.get_client() is reader

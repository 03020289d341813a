"""A fixed-window rate limit per client address, counted in the Django cache (shared by every app
server when the cache is Redis or the database)."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address the nearest trusted proxy saw
    (TRUSTED_PROXY_COUNT proxies, each appending to X-Forwarded-For)."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope, request, limit, period):
    """Count one request. Returns (allowed, retry_after_seconds)."""
    now = time.time()
    window = int(now // period)
    client = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{client}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=period + 1)
            count = 1
    retry_after = max(1, int(period - (now % period)) + 1)
    return count <= limit, retry_after

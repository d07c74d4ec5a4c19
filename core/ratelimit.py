"""Counting requests per key in the shared cache, for limits that are not the API's throttles."""

from django.core.cache import cache


def allowance_take(key, *, limit, seconds):
    """Count one use of `key`; True while it has been used at most `limit` times in the
    current window of `seconds` (which starts at the first use)."""
    key = f"allowance:{key}"
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=seconds)
        used = 1
    return used <= limit

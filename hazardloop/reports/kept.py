"""Statistics kept between refreshes of the aggregates.

Everything the dashboards read from the aggregates (aggregates.py, rollups.py) changes only when
a refresh rebuilds some of them, and each such refresh gives the refresh state a new random
token (`StatsRefresh.generation`). So the part of an answer read from the aggregates is kept in
Django's cache under that token, the scope it was counted in and every parameter it depends on
(the region, the children's prefixes, the campaign and its unit scope, the period, today), and
the next request with the same key reads it from there instead of running the queries again.
A refresh that changes anything changes the token: the first request after it (cold) counts
again. What is counted live (the deadlines and time limits passed today before now, accidents,
inspections when the aggregates cannot count distinct units) is never kept.

The scope is part of the key whatever it is (two users of different regions, or of the same
region with different scopes, never share an entry), and so is the language wherever a value
holds translated text (the sectors' names of `duty_counts.sectors`; the rest are counts and
codes).
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache

# Entries outlive a refresh that changes nothing; one that changes something makes them
# unreachable (a new token), and the cache drops them in time.
TIMEOUT_SECONDS = 3600


def scope_key(scope) -> tuple:
    return (bool(scope.everything), tuple(sorted(scope.prefixes)), tuple(sorted(scope.unit_ids)))


def key_for(name: str, fresh, scope, parts: tuple) -> str | None:
    """The cache key, or None when nothing may be kept (no aggregates, or built before tokens)."""
    generation = getattr(fresh, "generation", "")
    if not generation:
        return None
    raw = repr((name, generation, scope_key(scope), parts))
    return "hl:stats:" + hashlib.sha256(raw.encode()).hexdigest()


def kept(name: str, fresh, scope, parts: tuple, compute: Callable):
    """`compute()`, or what it gave for the same key since the aggregates last changed."""
    key = key_for(name, fresh, scope, parts)
    if key is None:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value

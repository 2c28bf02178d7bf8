"""Regions are reference data: every signed-in user may read them."""

from hazardloop.testing import ALLOW, LOGIN, ScopeCase

EVERYONE = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "neighbour_inspector": ALLOW,
    "duty_officer": ALLOW,
    "unit_manager": ALLOW,
}

CASES = [
    ScopeCase("region tree", "regions:tree", lambda c, o: "/regions/", EVERYONE),
    ScopeCase("region page", "regions:detail", lambda c, o: "/regions/220102/", EVERYONE),
    ScopeCase(
        "API: regions",
        "GET /api/v1/regions",
        lambda c, o: "/api/v1/regions?parent=220100",
        EVERYONE,
        api=True,
    ),
    ScopeCase(
        "API: one region",
        "GET /api/v1/regions/{code}",
        lambda c, o: "/api/v1/regions/220102",
        EVERYONE,
        api=True,
    ),
]

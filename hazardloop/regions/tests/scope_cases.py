"""Regions are reference data: every signed-in user may read them."""

from hazardloop.testing import ALLOW, ScopeCase, everyone

EVERYONE = everyone(ALLOW)

CASES = [
    ScopeCase(
        "region tree",
        "regions:tree",
        lambda c, o: "/regions/",
        EVERYONE,
        marker=lambda o: "/regions/220100/",
    ),
    ScopeCase(
        "region page",
        "regions:detail",
        lambda c, o: "/regions/220102/",
        EVERYONE,
        marker=lambda o: "220102",
    ),
    ScopeCase(
        "API: regions",
        "GET /api/v1/regions",
        lambda c, o: "/api/v1/regions?parent=220100",
        EVERYONE,
        api=True,
        marker=lambda o: '"code": "220102"',
    ),
    ScopeCase(
        "API: one region",
        "GET /api/v1/regions/{code}",
        lambda c, o: "/api/v1/regions/220102",
        EVERYONE,
        api=True,
        marker=lambda o: '"code": "220102"',
    ),
]

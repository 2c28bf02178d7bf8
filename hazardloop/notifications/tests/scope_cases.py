"""The inbox is the user's own: every signed-in user reaches it, and sees only their rows."""

from hazardloop.notifications.services import notify
from hazardloop.testing import ALLOW, HIDE, LOGIN, ScopeCase


def _note(cast):
    return notify(
        [cast.unit_manager], key="scope-test", message="Scope test %(n)s", params={"n": 7}
    )[0]


MINE = {
    "anonymous": LOGIN,
    "unit_manager": ALLOW,
    "regulator": ALLOW,
    "admin": ALLOW,
    "other_unit_manager": ALLOW,
}

OWN_ROWS = {
    "anonymous": LOGIN,
    "unit_manager": ALLOW,
    "regulator": HIDE,
    "admin": HIDE,
    "other_unit_manager": HIDE,
}

CASES = [
    ScopeCase(
        "inbox",
        "notifications:inbox",
        lambda c, o: "/inbox/",
        OWN_ROWS,
        make=_note,
        is_list=True,
        marker=lambda o: "Scope test 7",
    ),
    ScopeCase(
        "mark read",
        "notifications:read",
        lambda c, o: "/inbox/read/",
        MINE,
        make=_note,
        method="post",
        data={"id": "1"},
    ),
]

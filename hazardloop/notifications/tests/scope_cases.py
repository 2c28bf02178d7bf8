"""The inbox is the user's own: every signed-in user reaches it, and sees only their rows."""

from hazardloop.notifications.services import notify
from hazardloop.testing import ALLOW, HIDE, ScopeCase, everyone


def _note(cast):
    return notify(
        [cast.unit_manager], key="scope-test", message="Scope test %(n)s", params={"n": 7}
    )[0]


# Marking one's own notices read: every signed-in user may (it touches only their own rows).
MINE = everyone(ALLOW)
# The notice is the unit manager's: everyone else's inbox is shown without it.
OWN_ROWS = {**everyone(HIDE), "unit_manager": ALLOW}

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
        redirect=lambda c, o: "/inbox/",
    ),
]

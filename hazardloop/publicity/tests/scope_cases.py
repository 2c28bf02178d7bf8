"""Every publicity page and API endpoint against the standard cast (hazardloop/testing.py).

An activity of cast.unit (Nanguan) is seen by the authorities over Nanguan holding
publicity.view and by the unit's own people; offices record for their regions, units for
themselves; inspectors and leaders read only (403 on writes)."""

import json
import re

from hazardloop.drills.tests.factories import pdf_upload
from hazardloop.publicity.tests.factories import make_activity
from hazardloop.testing import (
    ALLOW,
    DENY,
    HIDE,
    INVALID,
    LOGIN,
    ScopeCase,
    expect,
    file_of,
)

SEE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=HIDE,
    expert=HIDE,
    leader=ALLOW,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)
FORM = {
    **SEE,
    "neighbour_regulator": ALLOW,  # records for their own county
    "other_unit_manager": ALLOW,  # for their own unit
    "inspector": DENY,
    "neighbour_inspector": DENY,
    "leader": DENY,
}
# Posting for Nanguan (220102): its offices record; anyone else is refused.
POST_PAGE = {
    **FORM,
    "neighbour_regulator": INVALID,  # Nanguan is not among their places
    "unit_manager": INVALID,
    "other_unit_manager": INVALID,
}
POST_API = {**POST_PAGE, "neighbour_regulator": DENY, "unit_manager": DENY}
POST_API.update(other_unit_manager=DENY, duty_officer=DENY, expert=DENY)


def _activity(cast):
    return make_activity(
        cast.unit_manager, unit=cast.unit, title="范围测试：店内宣传海报", document=pdf_upload()
    )


def _created(response, cast, obj) -> bool:
    return response.status_code == 201 and response.json()["level"] == "county"


CASES = [
    ScopeCase(
        "publicity list",
        "publicity:list",
        lambda c, o: "/publicity/?kind=poster",
        SEE,
        make=_activity,
        is_list=True,
        marker=lambda o: f'href="/publicity/{o.pk}/"',
    ),
    ScopeCase(
        "publicity form",
        "publicity:new",
        lambda c, o: "/publicity/new/",
        FORM,
        marker=lambda o: 'name="reach"',
    ),
    ScopeCase(
        "record publicity (page)",
        "publicity:new",
        lambda c, o: "/publicity/new/",
        POST_PAGE,
        method="post",
        data={
            "place": "r220102",
            "kind": "open_day",
            "held_on": "2026-11-20",
            "reach": "300",
            "title": "范围测试：消防站开放日",
        },
        redirect=lambda c, o: re.compile(r"/publicity/\d+/"),
    ),
    ScopeCase(
        "publicity page",
        "publicity:detail",
        lambda c, o: f"/publicity/{o.pk}/",
        SEE,
        make=_activity,
        marker=lambda o: o.title,
    ),
    ScopeCase(
        "publicity file",
        "publicity:file",
        lambda c, o: f"/publicity/{o.pk}/file/",
        SEE,
        make=_activity,
        check=file_of("application/pdf"),
    ),
    ScopeCase(
        "publicity API list",
        "GET /api/v1/publicity",
        lambda c, o: "/api/v1/publicity?kind=poster&limit=500",
        SEE,
        make=_activity,
        api=True,
        is_list=True,
        marker=lambda o: json.dumps(o.title)[1:-1],
    ),
    ScopeCase(
        "publicity API record",
        "POST /api/v1/publicity",
        lambda c, o: "/api/v1/publicity",
        POST_API,
        method="post",
        api=True,
        data={
            "region": "220102",
            "kind": "wechat",
            "held_on": "2026-11-20",
            "reach": "5000",
            "title": "范围测试：公众号文章",
        },
        check=_created,
    ),
]

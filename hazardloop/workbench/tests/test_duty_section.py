"""The duty officer's workbench: my shift and its check-in, the handover to confirm, who is on
duty now in my region."""

import datetime as dt

import pytest
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.duty import services
from hazardloop.duty.tests.helpers import roster
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import HOME, make_user, web_client
from hazardloop.workbench.todo import workbench

pytestmark = pytest.mark.django_db


def _sections(user, now):
    return {s.key: s for g in workbench(user, now) for s in g.sections if g.key == "duty"}


def test_my_shift_check_in_handover_and_who_is_on_duty(cast):
    now = timezone.now().replace(microsecond=0)
    r = roster(cast)
    colleague = make_user("t-coll", Role.DUTY_OFFICER, region=HOME, kind=DepartmentKind.EMERGENCY)
    previous = services.add_shift(
        r, actor=cast.regulator, starts_at=now - dt.timedelta(hours=9),
        ends_at=now - dt.timedelta(minutes=5), officers=[(colleague, None)],
    )  # fmt: skip
    current = services.add_shift(
        r, actor=cast.regulator, starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=8), officers=[(cast.duty_officer, None)],
    )  # fmt: skip
    services.set_leader(r, current.day, actor=cast.regulator, user=cast.regulator)
    services.write_handover(previous, actor=colleague, note="化工园区报警已处置", now=now)

    sections = _sections(cast.duty_officer, now)
    mine = sections["my_shift"].items
    assert mine[0].id == current.pk and mine[0].action.url == f"/duty/shifts/{current.pk}/check-in/"
    assert mine[0].late  # on duty and not checked in
    assert any(i.note.startswith("化工园区") for i in mine)  # the handover to confirm
    on_duty = sections["on_duty_now"]
    assert [i.title for i in on_duty.items] == [str(cast.duty_officer), str(cast.regulator)]

    # one click from the workbench checks in
    response = web_client(cast.duty_officer).post(f"/duty/shifts/{current.pk}/check-in/")
    assert response.status_code == 302
    mine = _sections(cast.duty_officer, timezone.now())["my_shift"].items
    assert mine[0].action is None and not mine[0].late
    page = web_client(cast.duty_officer).get("/").content.decode()
    assert 'data-testid="section-on_duty_now"' in page and str(cast.regulator) in page


def test_nothing_to_show_off_duty(cast):
    sections = _sections(cast.duty_officer, timezone.now())
    assert sections["my_shift"].items == [] and sections["on_duty_now"].items == []

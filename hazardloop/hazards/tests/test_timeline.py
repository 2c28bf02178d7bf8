"""The timeline says what the ladders did in the reader's language: events store codes (the rung,
the clock), never English notes."""

import datetime as dt

import pytest
from django.utils import translation

from hazardloop.hazards.choices import EventKind
from hazardloop.hazards.models import HazardEvent
from hazardloop.hazards.timeline import event_note
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard
from hazardloop.testing import web_client

DUE = at(2026, 3, 12, 23, 59)


@pytest.mark.parametrize(
    ("kind", "data", "zh", "en"),
    [
        (
            EventKind.SUPERVISION,
            {"rung": "reminded"},
            "整改期限已过：已提醒单位。",
            "unit was reminded",
        ),
        (
            EventKind.SUPERVISION,
            {"rung": "letter", "days_overdue": 8},
            "已逾期8日：已发出督办函。",
            "8 days overdue: a supervision letter",
        ),
        (EventKind.SUPERVISION, {"rung": "listed"}, "已挂牌督办", "listed for supervision"),
        (EventKind.SUPERVISION, {"rung": "accountability"}, "已建议问责", "accountability"),
        (
            EventKind.CLOCK_LAPSE,
            {"rung": "reminded", "clock": "verify"},
            "已提醒责任部门",
            "the responsible office was reminded",
        ),
        (EventKind.CLOCK_LAPSE, {"rung": "escalated", "clock": "order"}, "已报告上级部门", "above"),
    ],
)
def test_ladder_events_are_told_in_the_readers_language(kind, data, zh, en):
    event = HazardEvent(kind=kind, data=data, reason="")
    with translation.override("zh-hans"):
        assert zh in event_note(event)
    with translation.override("en"):
        assert en in event_note(event)


def test_what_a_person_wrote_is_kept_and_old_english_notes_are_replaced():
    typed = HazardEvent(kind=EventKind.REJECT, data={}, reason="插线板仍串接使用。")
    assert event_note(typed) == "插线板仍串接使用。"
    old = HazardEvent(
        kind=EventKind.SUPERVISION, data={"rung": "reminded"}, reason="deadline passed: reminder"
    )
    with translation.override("zh-hans"):
        assert event_note(old) == "整改期限已过：已提醒单位。"


@pytest.mark.django_db
def test_the_sweep_stores_codes_and_the_page_shows_words(cast):
    departments()
    hazard = make_hazard(cast, due=DUE)
    sweep(DUE + dt.timedelta(hours=1))
    sweep(DUE + dt.timedelta(days=7, hours=1))
    events = HazardEvent.objects.filter(hazard=hazard, kind=EventKind.SUPERVISION)
    assert [e.data["rung"] for e in events] == ["reminded", "letter"]
    assert all(e.reason == "" for e in events)  # no English note is stored
    client = web_client(cast.regulator)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "整改期限已过：已提醒单位。" in page and "已逾期7日：已发出督办函。" in page
    assert "deadline passed" not in page and "overdue:" not in page

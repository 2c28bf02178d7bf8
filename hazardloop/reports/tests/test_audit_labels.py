"""The audit log shows actions, object types and known technical notes in words."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from hazardloop.reports.audit_labels import OBJECTS, action_label, message_text, object_type_label
from hazardloop.testing import web_client

PACKAGE = Path(__file__).resolve().parents[2]
# An action code written literally where an audit event is recorded.
LITERAL = re.compile(r'record_events?\(\s*"([a-z_]+\.[a-z_]+)"|^\s*"([a-z_]+\.[a-z_]+)",\s*$', re.M)


def _recorded_actions() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "record_event" not in text and "record_many" not in text:
            continue
        for a, b in LITERAL.findall(text):
            code = a or b
            if code.split(".")[0] in OBJECTS or code.split(".")[0] in ("login",):
                found.add(code)
    return found


def test_every_recorded_action_has_words():
    codes = _recorded_actions()
    assert len(codes) > 20, codes
    with translation.override("zh-hans"):
        missing = sorted(c for c in codes if "其他操作" in action_label(c))
    assert not missing, f"add the verb to reports/audit_labels.py VERBS: {missing}"


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("hazard.order", "隐患：", "Hazard: Rectification ordered"),
        ("login.failed", "登录失败", "Sign-in failed"),
        ("notification.sent", "通知：已发送", "Notification: sent"),
        ("campaign.launch", "专项行动：已发起", "Campaign: launched"),
        ("hazard.something_new", "隐患：其他操作", "Hazard: other change"),
    ],
)
def test_action_labels(code, zh, en):
    with translation.override("zh-hans"):
        assert action_label(code).startswith(zh)
    with translation.override("en"):
        assert action_label(code) == en


def test_technical_notes_in_words():
    with translation.override("en"):
        assert message_text("hazard:10:document:56 → 3 recipient(s)") == "Sent to 3 people"
        assert message_text("claimed by inspection:65") == "Attached to Inspection #65"
        assert message_text("已退回") == "已退回"
        assert message_text("4 tasks done") == "4 tasks done"
        assert message_text("12 rows") == ""  # technical English: in the technical record only
        assert message_text("长消限字〔2026〕第0004号 (deadline_order) for hazard 10") == (
            "长消限字〔2026〕第0004号 (Order to rectify by a deadline), hazard #10"
        )
        assert message_text("隐患 hazard:3 已处理") == ""
        assert object_type_label("hazards.hazard") == "hazard"
        assert object_type_label("nothing.here") == ""


@pytest.mark.django_db
def test_audit_pages_show_words_and_keep_the_record(cast):
    from hazardloop.hazards.tests.helpers import hazard

    hazard(cast)
    client = web_client(cast.admin)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/audit/").content.decode()
    assert "隐患：" in page and "<code>hazard.create</code>" not in page
    from hazardloop.audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="hazard.create").latest("seq")
    detail = client.get(f"/audit/{event.seq}/").content.decode()
    assert "隐患：" in detail and "南关区" in detail
    assert "<details" in detail and "<code>hazard.create</code>" in detail  # the stored record

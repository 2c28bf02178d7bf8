"""Training records: recording one with attendees and photos, signing on a phone with the
short-lived link, the duty calendar's training duty, the query budget of the list."""

import base64
import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.obligations.choices import DutyKind, DutyState
from hazardloop.obligations.schedule import unit_calendar
from hazardloop.testing import make_unit, web_client
from hazardloop.training.models import Training, TrainingAttendance
from hazardloop.training.tests.helpers import at, person, training
from hazardloop.training.tokens import QUIZ, SIGN, make_token

pytestmark = pytest.mark.django_db


def _png_signature() -> str:
    image = Image.new("RGB", (300, 120), "white")
    for x in range(20, 280):
        image.putpixel((x, 60 + (x % 7)), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _photo(name="现场.jpg"):
    f = io.BytesIO(jpeg_bytes(comment=name))
    f.name = name
    return f


def _form(staff, **extra):
    held = timezone.localtime() - dt.timedelta(hours=2)
    data = {
        "topic": "灭火器使用", "items": ["equipment", "escape"], "trainer": "李教官",
        "held_at": held.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45",
        "staff": [str(m.pk) for m in staff],
    }  # fmt: skip
    data.update(extra)
    return data


def test_the_manager_records_a_training_with_attendees_and_photos(cast):
    a, b = person(cast.unit, "甲"), person(cast.unit, "乙")
    client = web_client(cast.unit_manager)
    r = client.post(
        f"/training/unit/{cast.unit.pk}/new/",
        _form([a, b], pre_job="on", photos=[_photo("一.jpg"), _photo("二.jpg")]),
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    t = Training.objects.get(unit=cast.unit)
    assert t.pre_job and t.items == ["equipment", "escape"]
    assert set(t.attendance.values_list("staff_id", flat=True)) == {a.pk, b.pk}
    assert t.photos.count() == 2 and all(p.claimed_at for p in t.photos.all())
    page = client.get(r["Location"]).content.decode()
    assert "/t/s/" in page and 'data-testid="sign-link"' in page and "data:image/png;base64" in page


def test_a_bad_photo_or_a_stranger_as_attendee_saves_nothing(cast):
    a = person(cast.unit, "甲")
    other = person(cast.other_unit, "别家员工")
    client = web_client(cast.unit_manager)
    bad = io.BytesIO(b"not an image")
    bad.name = "x.jpg"
    r = client.post(f"/training/unit/{cast.unit.pk}/new/", _form([a], photos=[bad]))
    assert r.status_code == 422 and "照片" in r.content.decode()
    data = _form([a])
    data["staff"] = [str(a.pk), str(other.pk)]
    r = client.post(f"/training/unit/{cast.unit.pk}/new/", data)
    assert r.status_code == 422
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/training/unit/{cast.unit.pk}/new/", _form([a], held_at=future))
    assert r.status_code == 422 and "培训举行后才能记录" in r.content.decode()
    r = client.post(f"/training/unit/{cast.unit.pk}/new/", _form([a], items=[]))
    assert r.status_code == 422
    assert not Training.objects.exists()


def test_a_staff_member_signs_on_a_phone_without_an_account(cast):
    a, b = person(cast.unit, "甲"), person(cast.unit, "乙")
    t = training(cast.unit, staff=[a], user=cast.unit_manager)
    phone = web_client(None)
    url = f"/t/s/{make_token(SIGN, t.pk)}/"
    page = phone.get(url).content.decode()
    assert "甲" in page and "乙" in page and t.topic in page
    r = phone.post(url, {"staff": b.pk, "signature": _png_signature()})
    assert r.status_code == 200 and 'data-testid="signed"' in r.content.decode()
    row = TrainingAttendance.objects.get(training=t, staff=b)
    assert row.signed == "phone" and row.signed_at is not None
    assert row.signature.kind == PhotoKind.SIGNATURE and row.signature.unit_id == cast.unit.pk
    r = phone.post(url, {"staff": a.pk, "signature": _png_signature()})
    assert r.status_code == 200
    assert TrainingAttendance.objects.get(training=t, staff=a).signed == "phone"
    # Twice: the first signature stands.
    r = phone.post(url, {"staff": b.pk, "signature": _png_signature()})
    assert r.status_code == 422 and "已签到" in r.content.decode()
    detail = web_client(cast.unit_manager).get(f"/training/{t.pk}/").content.decode()
    assert "登记2人，签名2人" in detail


@pytest.mark.parametrize(
    ("staff", "signature", "message"),
    [
        ("", "SIG", "请从名单中选择"),
        ("OTHER", "SIG", "请从名单中选择"),
        ("A", "", "请先用手指在框内签名"),
        ("A", "data:image/png;base64,@@@", "签名无法读取"),
        ("A", "data:image/png;base64,aGVsbG8=", "照片"),
    ],
)
def test_bad_signing_is_refused_in_words(cast, staff, signature, message):
    a = person(cast.unit, "甲")
    other = person(cast.other_unit, "别家")
    t = training(cast.unit, user=cast.unit_manager)
    sent = {"staff": {"A": a.pk, "OTHER": other.pk}.get(staff, staff),
            "signature": _png_signature() if signature == "SIG" else signature}  # fmt: skip
    r = web_client(None).post(f"/t/s/{make_token(SIGN, t.pk)}/", sent)
    if message == "照片":  # decodes but is no image: the evidence validation refuses it
        assert r.status_code == 422
    else:
        assert r.status_code == 422 and message in r.content.decode()
    assert not TrainingAttendance.objects.filter(training=t).exists()


def test_an_old_forged_or_other_purpose_link_is_refused(cast, settings):
    t = training(cast.unit, user=cast.unit_manager)
    phone = web_client(None)
    assert phone.get(f"/t/s/{make_token(QUIZ, t.pk)}/").status_code == 404
    assert phone.get("/t/s/MTIz:1xZx7j:forged/").status_code == 404
    token = make_token(SIGN, t.pk)
    settings.TRAINING_LINK_MINUTES = 0
    import time

    time.sleep(1.1)
    r = phone.get(f"/t/s/{token}/")
    assert r.status_code == 404 and "此链接已过期" in r.content.decode()


def test_a_recorded_training_makes_the_calendars_training_duty_done(cast):
    unit = make_unit(is_public_gathering=True, business_hours="10:00-22:00")
    now = timezone.now()
    start, end = now - dt.timedelta(days=400), now + dt.timedelta(days=1)

    def training_states():
        wins = unit_calendar(unit, start, end, now=now)
        return [(w.state, w.done_at) for w in wins if w.kind == DutyKind.TRAINING]

    before = training_states()
    assert before and all(state != DutyState.DONE for state, _d in before)
    held = now - dt.timedelta(days=3)
    training(unit, held)
    after = training_states()
    assert (DutyState.DONE, held) in after


def test_the_evidence_provider_reads_the_window(cast):
    from hazardloop.training.evidence import trainings

    t1 = training(cast.unit, at(2026, 3, 1, 9))
    training(cast.unit, at(2026, 4, 1, 9))
    training(cast.other_unit, at(2026, 3, 2, 9))
    got = trainings([cast.unit.pk], at(2026, 3, 1, 9), at(2026, 4, 1, 9))
    assert got == {cast.unit.pk: [t1.held_at]}


def test_query_budget_of_the_training_list(cast, django_assert_max_num_queries):
    for i in range(35):
        training(cast.unit, topic=f"培训{i}")
    client = web_client(cast.regulator)
    client.get(f"/training/unit/{cast.unit.pk}/")
    with django_assert_max_num_queries(16):
        r = client.get(f"/training/unit/{cast.unit.pk}/")
    assert r.status_code == 200

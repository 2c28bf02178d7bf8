"""The demo's accountability cases: raised by the real source after the real ladder sweep, one
left to decide, one 约谈 decided, one dismissed; a second load does nothing."""

import random

import pytest

from hazardloop.accountability.choices import CaseStatus, Measure, SourceKind
from hazardloop.accountability.models import Case
from hazardloop.core.tests import visible_text
from hazardloop.demo.accountability import load_accountability
from hazardloop.hazards.choices import SupervisionLevel
from hazardloop.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def _small_demo():
    from hazardloop.demo.departments import load_departments
    from hazardloop.demo.hazards import load_hazards
    from hazardloop.demo.people import load_people
    from hazardloop.demo.units import load_units

    rng = random.Random(20220928)
    load_departments()
    load_people(rng)
    load_units(rng, target=40)
    load_hazards(rng)


def test_demo_cases(reference_data, client):
    _small_demo()
    created = load_accountability()
    top = Hazard.objects.filter(supervision_level=SupervisionLevel.ACCOUNTABILITY).count()
    assert created == top >= 3
    cases = Case.objects.filter(source_kind=SourceKind.HAZARD_TOP_RUNG)
    assert cases.count() == top
    assert cases.filter(status=CaseStatus.PROPOSED).exists()
    decided = cases.get(status=CaseStatus.MEASURE_DECIDED)
    assert decided.measure == Measure.INTERVIEW
    assert list(decided.events.values_list("action", flat=True)) == ["propose", "confirm", "decide"]
    dismissed = cases.get(status=CaseStatus.DISMISSED)
    assert dismissed.decision_note
    assert load_accountability() == 0 and Case.objects.count() == top
    # The pages in both languages: words, never codes.
    from hazardloop.accounts.models import User

    client.force_login(User.objects.get(username="regulator@220102"))
    data = visible_text.stored_strings()
    problems = []
    for url in ["/accountability/", "/", "/inbox/", *[f"/accountability/{c.pk}/" for c in cases]]:
        for language in ("zh-hans", "en"):
            client.cookies["django_language"] = language
            response = client.get(url)
            assert response.status_code == 200, url
            problems += [
                f"{language} {url}: {p}"
                for p in visible_text.problems(response.content.decode(), language, data, ())
            ]
    assert not problems, "\n".join(problems)
    client.cookies["django_language"] = "zh-hans"
    assert "有一项问责建议待您处理" in client.get("/inbox/").content.decode()

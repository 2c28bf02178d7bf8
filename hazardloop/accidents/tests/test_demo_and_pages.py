"""The demo's accidents (complete chains, one late, one regraded) and every accident page in
both languages: no raw codes, no English in the Chinese interface and the reverse."""

import random

import pytest
from django.test import Client

from hazardloop.accidents.models import Accident, ChainStep
from hazardloop.accidents.stats import accident_figures, this_year_to_date
from hazardloop.accounts.models import User
from hazardloop.core.tests import visible_text
from hazardloop.demo.accidents import load_accidents
from hazardloop.demo.departments import load_departments
from hazardloop.demo.hazards import load_hazards
from hazardloop.demo.people import load_people
from hazardloop.demo.units import load_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data):
    rng = random.Random(7)
    load_departments()
    load_people(rng)
    load_units(rng, target=30)
    load_hazards(rng)
    assert load_accidents() == 5
    assert load_accidents() == 0  # idempotent


def test_demo_chains_are_complete_and_one_is_late(demo):
    assert Accident.objects.filter(status="closed").count() == 5
    waiting = ChainStep.objects.filter(received_at__isnull=True)
    assert not waiting.exists()
    late = ChainStep.objects.filter(late=True)
    assert late.count() == 1 and late.get().level == "province"
    regraded = Accident.objects.get(grade="larger")
    assert regraded.deaths == 3 and regraded.steps.filter(added_by_regrade=True).exists()
    assert regraded.updates.filter(kind="supplementary", grade_after="larger").exists()


def test_every_accident_page_speaks_the_users_language(demo):
    data = visible_text.stored_strings()
    fire = Accident.objects.filter(accident_type="fire").order_by("-occurred_at").first()
    hotel = Accident.objects.get(grade="larger")
    pages = [
        "/accidents/",
        "/accidents/new/",
        "/accidents/figures/",
        "/accidents/figures/?start=2020-01-01&end=2030-12-31&group_by=type&region=",
    ]
    for group in ("grade", "sector", "region"):
        pages.append(
            f"/accidents/figures/?start=2020-01-01&end=2030-12-31&group_by={group}&region="
        )
    for a in (fire, hotel):
        pages += [f"/accidents/{a.pk}/", f"/accidents/{a.pk}/update/"]
    found = {}
    for username in ("regulator@220102", "duty@220000", "regulator@220100"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for language in ("en", "zh-hans"):
            client.cookies["django_language"] = language
            for url in pages:
                response = client.get(url)
                assert response.status_code in (200, 403), (url, response.status_code)
                if response.status_code != 200:
                    continue
                for problem in visible_text.problems(
                    response.content.decode(), language, data, frozenset()
                ):
                    found.setdefault(f"[{language}] {problem}", set()).add(url)
    assert not found, "\n".join(f"{p} ← {sorted(u)[:2]}" for p, u in sorted(found.items()))


def test_demo_figures_compare_with_last_year(demo):
    admin = User.objects.get(username="regulator@220000")
    start, end = this_year_to_date()
    figures = accident_figures(admin, start, end, "grade")
    # The demo's year so far has fewer accidents and deaths than the same period last year
    # (unless it is early in the year: the demo's accidents are dated back from today).
    if end.timetuple().tm_yday > 70:
        assert figures.total.both_down
        assert (figures.total.accidents, figures.total.last_accidents) == (2, 3)

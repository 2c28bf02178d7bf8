"""The shared scope test's runner refuses to call an answer "allowed" on its status alone."""

import re

import pytest

from hazardloop.testing import ALLOW, MEMBERS, ScopeCase, expect, run_scope_case, scope_expectations


def _region_page(**kwargs):
    return ScopeCase("region page", "regions:detail", lambda c, o: "/regions/220102/", {}, **kwargs)


def test_every_member_must_be_stated():
    with pytest.raises(TypeError):
        expect(admin=ALLOW)
    with pytest.raises(TypeError):
        scope_expectations(expert=ALLOW, leader=ALLOW)  # the duty officer left out
    assert set(scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)) == set(MEMBERS)


@pytest.mark.django_db
def test_a_2xx_without_a_check_is_not_allowed(cast):
    with pytest.raises(AssertionError, match="must be checked"):
        run_scope_case(_region_page(), cast, "admin", ALLOW)
    with pytest.raises(AssertionError, match="row missing"):
        run_scope_case(_region_page(marker=lambda o: "no such text"), cast, "admin", ALLOW)
    run_scope_case(_region_page(marker=lambda o: "220102"), cast, "admin", ALLOW)


@pytest.mark.django_db
def test_a_redirect_must_go_where_the_case_says(cast):
    case = ScopeCase(
        "mark read", "notifications:read", lambda c, o: "/inbox/read/", {}, method="post"
    )
    with pytest.raises(AssertionError, match="must name where it goes"):
        run_scope_case(case, cast, "admin", ALLOW)
    case.redirect = lambda c, o: "/elsewhere/"
    with pytest.raises(AssertionError, match="went to /inbox/"):
        run_scope_case(case, cast, "admin", ALLOW)
    case.redirect = lambda c, o: re.compile(r"/inbox/")
    run_scope_case(case, cast, "admin", ALLOW)

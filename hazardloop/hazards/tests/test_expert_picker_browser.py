"""An inspector finds the expert to assign to a hazard by searching a name in the shared search
picker, on a phone and at desktop size."""

import pytest

from hazardloop.hazards.models import ExpertAssignment
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import browser_login, build_cast


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fixture", ["phone_page", "browser_page"])
def test_assign_an_expert_found_by_name(request, fixture):
    page = request.getfixturevalue(fixture)
    cast = build_cast()
    h = hazard(cast)
    browser_login(page, cast.inspector.username)
    page.goto(f"{page.base_url}/hazards/{h.pk}/")
    action = page.get_by_test_id("action-assign_expert")
    if action.get_attribute("open") is None:
        action.locator("summary").click()
    # The first experts are offered before any search; wait for the search's own answer (the
    # same option, swapped in) before ticking it.
    with page.expect_response(lambda r: "/experts/" in r.url):
        action.get_by_test_id("expert_id-search").fill(cast.expert.username)
    page.wait_for_load_state("networkidle")
    option = action.locator(f"#pick-expert_id-{cast.expert.pk}")
    option.check()
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"] + 1
    size = "phone" if fixture == "phone_page" else "desktop"
    page.screenshot(path=f"/tmp/expert-picker-{size}.png", full_page=True)
    action.get_by_test_id("do-assign_expert").click()
    page.wait_for_load_state("networkidle")
    assert ExpertAssignment.objects.filter(hazard=h, expert=cast.expert).exists()

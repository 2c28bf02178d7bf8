"""Tap targets on a 375-px phone: every control at least 24 × 24 CSS px (WCAG 2.2, 2.5.8: or
spaced so that a 24-px circle on it touches no other target; links inside a sentence are
exempt), and the primary actions of the inspection and rectification forms 44 px high. The
hazard ledger is a list of cards on a phone and a table on a desktop."""

import pytest

from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.hazards import services
from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import browser_login, build_cast

# Every visible target that is too small and not spaced out: [(description, width, height)].
MEASURE = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label.btn,'
    + ' [role=button]';
  const visible = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const inSentence = el => el.tagName === 'A' && [...el.parentElement.childNodes].some(
    n => n !== el && n.nodeType === 3 && n.textContent.trim().length > 1);
  const targets = [...document.querySelectorAll(sel)].filter(visible)
    .filter(el => !(el.tagName === 'INPUT' && el.type === 'file' && el.closest('label')));
  const rects = targets.map(el => el.getBoundingClientRect());
  const small = [];
  targets.forEach((el, i) => {
    const r = rects[i];
    if (r.width >= 23.5 && r.height >= 23.5) return;
    if (inSentence(el)) return;
    // Controls are 24 px whatever their spacing; a link may instead be spaced out (the WCAG
    // exception: a 24-px circle centred on it touches no other target).
    if (el.tagName !== 'A') {
      small.push([el.outerHTML.slice(0, 140), Math.round(r.width), Math.round(r.height)]);
      return;
    }
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const clear = rects.every((o, j) => {
      if (j === i || targets[j].contains(el) || el.contains(targets[j])) return true;
      const dx = Math.max(o.left - cx, 0, cx - o.right);
      const dy = Math.max(o.top - cy, 0, cy - o.bottom);
      return Math.hypot(dx, dy) >= 12;
    });
    if (!clear) small.push([el.outerHTML.slice(0, 140), Math.round(r.width), Math.round(r.height)]);
  });
  return small;
}"""

HEIGHTS = """sel => [...document.querySelectorAll(sel)]
  .filter(el => el.getBoundingClientRect().height > 0)
  .map(el => [el.outerHTML.slice(0, 100), Math.round(el.getBoundingClientRect().height),
              Math.round(el.getBoundingClientRect().width)])"""


def _check(page, name):
    page.wait_for_load_state("networkidle")
    page.screenshot(path=f"/tmp/tap_{name}.png", full_page=True)
    small = page.evaluate(MEASURE)
    assert not small, f"{name}: targets under 24 × 24 px: {small}"


def _tall(page, selector, name, minimum=44):
    found = page.evaluate(HEIGHTS, selector)
    assert found, f"{name}: nothing matches {selector}"
    low = [f for f in found if f[1] < minimum - 0.5 or f[2] < minimum - 0.5]
    assert not low, f"{name}: primary actions under {minimum} px: {low}"


@pytest.mark.browser
def test_targets_on_the_key_phone_pages(phone_page):
    cast = build_cast()
    load_builtin_templates()
    ordered = hazard(cast)
    services.order_hazard(ordered, actor=cast.inspector)
    hazard(cast, title="灭火器过期")
    page = phone_page

    browser_login(page, cast.inspector.username)
    for name, url in [
        ("home", "/"),
        ("ledger", "/hazards/"),
        ("inbox", "/inbox/"),
        ("units", "/units/"),
        ("hazard", f"/hazards/{ordered.pk}/"),
        ("issue", f"/supervision/hazards/{ordered.pk}/documents/new/"),
        ("not_found", "/no-such-page/"),
    ]:
        page.goto(page.base_url + url)
        _check(page, name)

    # The penalty choices a document offers: full-size checkboxes beside their labels.
    page.goto(f"{page.base_url}/supervision/hazards/{ordered.pk}/documents/new/")
    boxes = page.evaluate(HEIGHTS, "[data-testid=penalty-choices] input[type=checkbox]")
    assert boxes and all(h >= 24 and w >= 24 for _html, h, w in boxes), boxes

    # The measurement itself: two 10-px buttons side by side are reported.
    page.evaluate(
        """() => { for (const n of [1, 2]) { const b = document.createElement('button');
          Object.assign(b.style, {all: 'unset', display: 'inline-block', width: '10px',
                                  height: '10px'});
          b.dataset.probe = n; document.querySelector('main').prepend(b); } }"""
    )
    assert len([t for t in page.evaluate(MEASURE) if "data-probe" in t[0]]) == 2

    # The ledger: cards on a phone, the table hidden.
    page.goto(page.base_url + "/hazards/")
    assert page.get_by_test_id("hazard-cards").is_visible()
    assert not page.get_by_test_id("hazard-table").is_visible()
    title = page.get_by_test_id("hazard-cards").locator(".fw-semibold").first
    assert title.bounding_box()["width"] > 250  # the title has the card's width, not 45 px

    # The phone inspection form: the answers, the guidance and the section buttons.
    template = ChecklistTemplate.objects.get(code="restaurant-gas", region_code="")
    page.goto(f"{page.base_url}/inspections/new/?unit={cast.unit.pk}")
    page.get_by_test_id("template-select").select_option(str(template.pk))
    page.get_by_test_id("start-checklist").click()
    page.get_by_test_id("next-section-bottom").wait_for()
    _check(page, "inspection_items")
    _tall(page, "[data-testid=step-items] button[data-answer]", "answers")
    _tall(page, "[data-testid=step-items] button[aria-label]", "guidance and sections")
    _tall(page, "[data-testid=next-section-bottom]", "next section")

    # The unit's rectification form.
    page.context.clear_cookies()
    browser_login(page, cast.unit_manager.username)
    page.goto(f"{page.base_url}/hazards/{ordered.pk}/")
    _check(page, "rectification")
    _tall(page, "[data-testid^=action-] > summary", "action headers")
    page.locator("[data-testid^=action-] > summary").first.click()
    _tall(page, "[data-testid^=do-]", "action buttons")


@pytest.mark.browser
def test_ledger_is_a_table_on_a_desktop(browser_page):
    cast = build_cast()
    hazard(cast)
    page = browser_page
    browser_login(page, cast.regulator.username)
    page.goto(page.base_url + "/hazards/")
    assert page.get_by_test_id("hazard-table").is_visible()
    assert not page.get_by_test_id("hazard-cards").is_visible()
    _check(page, "ledger_desktop")

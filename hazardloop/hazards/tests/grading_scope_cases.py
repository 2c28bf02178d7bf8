"""Scope cases of the grading pages and API: rule sets, determinations, exclusions.

Who may record a determination or an exclusion: regulators with authority over the unit
("hazard.override_grade" in a scope covering it: the county, city and province regulators and
the administrator), never someone who holds a role in the unit (accounts.access.belongs_to_unit)
— inspectors, experts, leaders, the duty officer and the unit's own people are refused (403),
those outside the region do not see the hazard (404). Rule sets are read by everyone who reads
hazards and written at province level only (the province regulator and the administrator).
"""

import datetime as dt

from django.utils import timezone

from hazardloop.hazards import services
from hazardloop.hazards.models import GradingExclusion, Hazard, RuleSet
from hazardloop.hazards.tests.helpers import ensure_rules, hazard
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, everyone, expect

# Everyone who reads hazards reads the rule sets.
READ_RULES = everyone(ALLOW)
# Writing rule sets: the province.
PROVINCE = {
    **everyone(DENY),
    "admin": ALLOW,
    "province_regulator": ALLOW,
}
# Determining and excluding at cast.unit.
JUDGE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=DENY,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=DENY,
    expert=DENY,
    leader=DENY,
    unit_manager=DENY,
    other_unit_manager=HIDE,
)
# Seeing the exclusions of cast.unit: whoever sees its hazards.
SEE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=ALLOW,
    expert=ALLOW,
    leader=ALLOW,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)

TEST_SET = {
    "code": "GB35181-2025-SCOPE",
    "family": "gb35181",
    "edition": "2025",
    "title": "测试用规则（非标准原文）",
    "valid_from": "2025-11-01",
    "direct": {"5.1": "测试要素"},
}


def _pending(cast):
    """A 2017 element found today (no 2025 rule set is loaded): pending a determination."""
    return hazard(cast, rule_refs=["gb35181-2017:7.3.3"])


def _rule_set(cast):
    ensure_rules()
    return RuleSet.objects.get(code="GB35181-2017")


def _exclusion(cast):
    h = _pending(cast)
    return services.record_exclusion(
        cast.unit,
        actor=cast.regulator,
        element="gb35181-2017:7.3.3",
        clause="5.1.3(1)",
        hazard=h,
        basis_document="评审意见（范围测试）",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        note="已采取措施",
    )


def _members(n, agree):
    return [{"name": f"m{i}", "vote": "agree" if i < agree else "disagree"} for i in range(n)]


def _determined(response, cast, obj) -> bool:
    return Hazard.objects.get(pk=obj.pk).determination == "determined"


def _ended(response, cast, obj) -> bool:
    return GradingExclusion.objects.get(pk=obj.pk).ended_at is not None


GRADING_CASES = [
    ScopeCase(
        "rule sets",
        "hazards:rule_sets",
        lambda c, o: "/hazards/rule-sets/",
        READ_RULES,
        make=_rule_set,
        marker=lambda o: f"/hazards/rule-sets/{o.pk}/",
    ),
    ScopeCase(
        "rule set page",
        "hazards:rule_set",
        lambda c, o: f"/hazards/rule-sets/{o.pk}/",
        READ_RULES,
        make=_rule_set,
        marker=lambda o: 'data-testid="rule-set-versions"',
    ),
    ScopeCase(
        "rule set editor: new",
        "hazards:rule_set_new",
        lambda c, o: "/hazards/rule-sets/new/",
        PROVINCE,
        marker=lambda o: 'data-testid="rule-set-form"',
    ),
    ScopeCase(
        "rule set editor: edit",
        "hazards:rule_set_edit",
        lambda c, o: f"/hazards/rule-sets/{o.pk}/edit/",
        PROVINCE,
        make=_rule_set,
        marker=lambda o: 'data-testid="rule-set-form"',
    ),
    ScopeCase(
        "determination page",
        "hazards:determination",
        lambda c, o: f"/hazards/{o.pk}/determination/",
        JUDGE,
        make=_pending,
        marker=lambda o: 'data-testid="determination-form"',
    ),
    ScopeCase(
        "exclusion page",
        "hazards:exclusion_new",
        lambda c, o: f"/hazards/{o.pk}/exclusion/",
        JUDGE,
        make=_pending,
        marker=lambda o: 'data-testid="exclusion-form"',
    ),
    ScopeCase(
        "exclusions list",
        "hazards:exclusions",
        lambda c, o: "/hazards/exclusions/",
        SEE,
        make=_exclusion,
        is_list=True,
        marker=lambda o: "评审意见（范围测试）",
    ),
    ScopeCase(
        "end an exclusion",
        "hazards:exclusion_end",
        lambda c, o: f"/hazards/exclusions/{o.pk}/end/",
        {**JUDGE, "inspector": DENY, "duty_officer": DENY, "expert": DENY, "leader": DENY},
        make=_exclusion,
        method="post",
        redirect=lambda c, o: "/hazards/exclusions/",
        check=_ended,
    ),
    ScopeCase(
        "API: rule sets",
        "GET /api/v1/grading/rule-sets",
        lambda c, o: "/api/v1/grading/rule-sets",
        READ_RULES,
        make=_rule_set,
        api=True,
        marker=lambda o: '"GB35181-2017"',
    ),
    ScopeCase(
        "API: rule set",
        "GET /api/v1/grading/rule-sets/{code}",
        lambda c, o: f"/api/v1/grading/rule-sets/{o.code}",
        READ_RULES,
        make=_rule_set,
        api=True,
        marker=lambda o: '"comprehensive"',
    ),
    ScopeCase(
        "API: rule set versions",
        "GET /api/v1/grading/rule-sets/{code}/versions",
        lambda c, o: f"/api/v1/grading/rule-sets/{o.code}/versions",
        READ_RULES,
        make=_rule_set,
        api=True,
        check=lambda r, c, o: r.status_code == 200 and isinstance(r.json(), list),
    ),
    ScopeCase(
        "API: save a rule set",
        "POST /api/v1/grading/rule-sets",
        lambda c, o: "/api/v1/grading/rule-sets",
        PROVINCE,
        api=True,
        method="post",
        data={"document": TEST_SET, "note": "scope"},
        content_type="application/json",
        check=lambda r, c, o: RuleSet.objects.filter(code="GB35181-2025-SCOPE").exists(),
    ),
    ScopeCase(
        "API: determinations of a hazard",
        "GET /api/v1/grading/hazards/{hazard_id}/determinations",
        lambda c, o: f"/api/v1/grading/hazards/{o.pk}/determinations",
        SEE,
        make=_pending,
        api=True,
        check=lambda r, c, o: r.status_code == 200 and r.json() == [],
    ),
    ScopeCase(
        "API: record a determination",
        "POST /api/v1/grading/hazards/{hazard_id}/determinations",
        lambda c, o: f"/api/v1/grading/hazards/{o.pk}/determinations",
        JUDGE,
        make=_pending,
        api=True,
        method="post",
        data={
            "method": "collective",
            "members": _members(3, 3),
            "conclusion": "major",
            "basis": "依据",
        },
        content_type="application/json",
        check=_determined,
    ),
    ScopeCase(
        "API: exclusions",
        "GET /api/v1/grading/exclusions",
        lambda c, o: "/api/v1/grading/exclusions",
        SEE,
        make=_exclusion,
        api=True,
        is_list=True,
        marker=lambda o: f'"id": {o.pk},',
    ),
    ScopeCase(
        "API: record an exclusion",
        "POST /api/v1/grading/exclusions",
        lambda c, o: "/api/v1/grading/exclusions",
        {**JUDGE, "neighbour_inspector": HIDE, "other_unit_manager": HIDE},
        make=_pending,
        api=True,
        method="post",
        data=lambda c, o: {
            "unit_id": c.unit.pk,
            "element": "gb35181-2017:7.3.3",
            "clause": "5.1.3(1)",
            "hazard_id": o.pk,
            "basis_document": "评审意见",
            "valid_until": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "note": "已采取措施",
        },
        content_type="application/json",
        check=lambda r, c, o: r.status_code == 201,
    ),
    ScopeCase(
        "API: end an exclusion",
        "POST /api/v1/grading/exclusions/{exclusion_id}/end",
        lambda c, o: f"/api/v1/grading/exclusions/{o.pk}/end",
        JUDGE,
        make=_exclusion,
        api=True,
        method="post",
        check=_ended,
    ),
]

GRADING_CASES.append(
    ScopeCase(
        "API: what failed answers add up to (the inspection form's note)",
        "GET /api/v1/grading/tally",
        lambda c, o: f"/api/v1/grading/tally?unit_id={c.unit.pk}&refs=gb35181-2017:7.3.3",
        SEE,
        make=lambda c: ensure_rules(),
        api=True,
        check=lambda r, c, o: r.status_code == 200 and r.json()["pending"] is True,
    )
)

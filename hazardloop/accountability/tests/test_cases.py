"""Handling a case: confirm, dismiss, decide, close, each refused where it must be; the chain
recorded at the time; cases raised by hand."""

import pytest
from django.core.exceptions import PermissionDenied

from hazardloop.accountability import services
from hazardloop.accountability.choices import CaseStatus, Measure, SourceKind, SubjectKind
from hazardloop.accountability.models import Case, CaseEvent
from hazardloop.accountability.tests.factories import proposal
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.audit.models import AuditEvent
from hazardloop.regions.choices import DepartmentKind
from hazardloop.regions.models import Region
from hazardloop.testing import make_department, make_user

pytestmark = pytest.mark.django_db


def _audit(case):
    return list(
        AuditEvent.objects.filter(
            object_type="accountability.case",
            object_id=str(case.pk),
            action__startswith="accountability.",
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_confirm_decide_close(cast):
    case = proposal(cast)
    services.transition(case, "confirm", actor=cast.regulator, note="情况属实", version=1)
    case.refresh_from_db()
    assert (case.status, case.decided_by, case.decision_note) == (
        CaseStatus.CONFIRMED,
        cast.regulator,
        "情况属实",
    )
    services.transition(
        case, "decide", actor=cast.leader, measure=Measure.INTERVIEW, note="区应急局约谈负责人"
    )
    case.refresh_from_db()
    assert (case.status, case.measure) == (CaseStatus.MEASURE_DECIDED, Measure.INTERVIEW)
    services.transition(case, "close", actor=cast.regulator, note="已于12月10日约谈")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == "已于12月10日约谈"
    assert list(case.events.values_list("action", flat=True)) == [
        "propose",
        "confirm",
        "decide",
        "close",
    ]
    assert _audit(case) == [
        "accountability.propose",
        "accountability.confirm",
        "accountability.decide",
        "accountability.close",
    ]


def test_dismiss_needs_a_reason(cast):
    case = proposal(cast)
    with pytest.raises(services.CaseInputError):
        services.transition(case, "dismiss", actor=cast.regulator, note="  ")
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED and case.version == 1
    services.transition(case, "dismiss", actor=cast.regulator, note="单位已停业，经核实不予问责")
    case.refresh_from_db()
    assert (case.status, case.decision_note) == (CaseStatus.DISMISSED, "单位已停业，经核实不予问责")
    # A dismissed proposal is final.
    for action in ("confirm", "decide", "close", "dismiss"):
        with pytest.raises(services.NotAllowedNow):
            services.transition(case, action, actor=cast.regulator, note="x", measure="interview")


def test_refusals_write_nothing(cast):
    case = proposal(cast)
    events, audits = CaseEvent.objects.count(), AuditEvent.objects.count()
    # Deciding a measure before confirming, closing before a measure: not now.
    with pytest.raises(services.NotAllowedNow):
        services.transition(case, "decide", actor=cast.regulator, measure=Measure.INTERVIEW)
    with pytest.raises(services.NotAllowedNow):
        services.transition(case, "close", actor=cast.regulator, note="x")
    # A stale version.
    with pytest.raises(services.CaseChanged):
        services.transition(case, "confirm", actor=cast.regulator, version=7)
    # Unknown action.
    with pytest.raises(services.CaseInputError):
        services.transition(case, "delete", actor=cast.regulator)
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)
    # A measure outside the list.
    services.transition(case, "confirm", actor=cast.regulator)
    with pytest.raises(services.CaseInputError):
        services.transition(case, "decide", actor=cast.regulator, measure="fine")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED and case.measure == ""


@pytest.mark.parametrize("member", ["inspector", "duty_officer", "expert", "unit_manager"])
def test_roles_without_the_decision_are_refused_and_audited(cast, member):
    case = proposal(cast)
    with pytest.raises(PermissionDenied):
        services.transition(case, "confirm", actor=getattr(cast, member))
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(case.pk)).exists()


def test_a_neighbour_may_not_decide(cast):
    case = proposal(cast)
    with pytest.raises(PermissionDenied):
        services.transition(case, "confirm", actor=cast.neighbour_regulator)


def test_a_stale_compare_and_swap_is_refused(cast):
    case = proposal(cast)
    other = Case.objects.get(pk=case.pk)
    services.transition(other, "confirm", actor=cast.regulator)
    with pytest.raises((services.CaseChanged, services.NotAllowedNow)):
        services.transition(case, "dismiss", actor=cast.city_regulator, note="重复")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED


def test_the_chain_is_frozen_when_the_case_is_raised(cast):
    # Nanguan's leader, the commerce bureau supervising catering, the unit's manager.
    leader = make_user("nanguan-leader", Role.LEADER, region="220102", display_name="南关区 钱区长")
    commerce = make_department("220102", DepartmentKind.COMMERCE)
    commerce.sectors.add("catering")
    make_user("commerce-reg", Role.REGULATOR, region="220102", kind=DepartmentKind.COMMERCE)
    cast.unit.principal_name = "张老板"
    cast.unit.save(update_fields=["principal_name"])
    case = proposal(cast)
    chain = case.chain
    assert chain["unit"]["name"] == cast.unit.name
    assert chain["unit"]["principal"] == "张老板"
    assert [p["user_id"] for p in chain["unit"]["managers"]] == [cast.unit_manager.pk]
    sector_departments = {d["name"]: d for d in chain["sector"]["departments"]}
    assert commerce.name_zh in sector_departments
    assert [p["name"] for p in sector_departments[commerce.name_zh]["regulators"]] == [
        "commerce-reg"
    ]
    nanguan = chain["region"][0]
    assert nanguan["code"] == "220102"
    assert [p["name"] for p in nanguan["leaders"]] == ["南关区 钱区长"]
    frozen = dict(case.chain)
    # Later: the leader leaves, a new manager arrives, the unit's principal changes.
    Membership.objects.filter(user=leader).update(is_active=False)
    make_user("new-manager", Role.UNIT_MANAGER, unit=cast.unit)
    cast.unit.principal_name = "李老板"
    cast.unit.save(update_fields=["principal_name"])
    leader.display_name = "改名"
    leader.save(update_fields=["display_name"])
    services.transition(case, "confirm", actor=cast.regulator)
    case.refresh_from_db()
    assert case.chain == frozen


def test_a_manual_case_starts_confirmed_with_its_chain(cast):
    region = Region.objects.get(code="220102")
    case = services.open_case(
        actor=cast.regulator,
        region=region,
        title="南关区某街道消防安全工作不力",
        subject_kind=SubjectKind.PERSON,
        subject_name="某街道分管负责人",
        description="群众多次举报的隐患未组织排查。",
    )
    assert (case.status, case.source_kind, case.source_id) == (
        CaseStatus.CONFIRMED,
        SourceKind.MANUAL,
        None,
    )
    assert case.created_by == cast.regulator and case.chain["region"][0]["code"] == "220102"
    assert _audit(case) == ["accountability.open"]
    services.transition(case, "decide", actor=cast.regulator, measure=Measure.TALK_REMINDER)
    # Two manual cases may share nothing but that they have no source.
    services.open_case(
        actor=cast.regulator,
        region=region,
        title="第二件",
        subject_kind=SubjectKind.PERSON,
        subject_name="某人",
        description="事实",
    )
    assert Case.objects.filter(source_kind=SourceKind.MANUAL).count() == 2


def test_a_manual_case_needs_the_decision_over_its_region(cast):
    region = Region.objects.get(code="220102")
    for member in ("inspector", "duty_officer", "neighbour_regulator"):
        with pytest.raises(PermissionDenied):
            services.open_case(
                actor=getattr(cast, member),
                region=region,
                title="x",
                subject_kind=SubjectKind.PERSON,
                subject_name="x",
                description="x",
            )
    assert not Case.objects.exists()

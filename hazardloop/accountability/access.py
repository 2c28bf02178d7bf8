"""The one way in to accountability cases for a user: the `accountability.view` scope by the
case's region. Units' own people hold no accountability permission, so they never see a case."""

from hazardloop.accountability.models import Case
from hazardloop.accounts.access import get_in_scope_or_404, scope_for

VIEW = "accountability.view"
DECIDE = "accountability.decide"


def visible_cases(user, perm: str = VIEW):
    scope = scope_for(user, perm)
    return scope.filter(Case.objects.all(), "region", None)


def access_case(user, pk, *, perm: str = VIEW) -> Case:
    """The case if the user may see it; out of scope looks exactly like missing (404, audited)."""
    return get_in_scope_or_404(
        user,
        Case.objects.select_related("region", "created_by", "decided_by"),
        perm=perm,
        region_field="region",
        unit_field=None,
        pk=pk,
    )


def can_decide(user, case: Case) -> bool:
    return scope_for(user, DECIDE).covers(case.region_id)

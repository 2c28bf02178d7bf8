"""The one way to fetch a hazard for a person: in their scope, or 404 (out of scope looks
exactly like missing, and the attempt is audited as `get_in_scope_or_404` does)."""

from hazardloop.accounts.access import (
    get_in_scope_or_404,
    in_scope_or_404,
    memberships_query,
    remember_memberships,
)
from hazardloop.core.prepared import Prepared, run_together
from hazardloop.hazards.models import Hazard, HazardEvent

# The hazard with its unit by id, compiled once (the workflow step and the hazard's API read it
# on every request); the scope is checked on the row (Scope.covers, the same rule as Scope.q).
_WITH_UNIT = Prepared(lambda pk: Hazard.objects.select_related("unit").filter(pk=pk))
# Its events with their actors, in order (Meta.ordering), read in the same round trip when the
# caller answers with them (`events=True`).
EVENTS = Prepared(
    lambda hazard_id: HazardEvent.objects.select_related("actor").filter(hazard_id=hazard_id)
)


def access_hazard(
    user, pk, *, related=("unit",), perm: str = "hazard.view", events: bool = False
) -> Hazard:
    """The hazard `pk` if `user` may see it (with `perm`), with `related` selected.

    `events=True` also reads its events (with their actors) in the same round trip, as
    `hazard.known_events`; a workflow step (`workflow.apply`) adds the event it writes, so
    the answer after a step needs no second read. The person's memberships go in that round
    trip too when the request has not read them yet."""
    if tuple(related) != ("unit",):
        return get_in_scope_or_404(
            user,
            Hazard.objects.select_related(*related),
            perm=perm,
            region_field="region_code",
            unit_field="unit",
            pk=pk,
        )
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    if not 0 < pk < 2**63:
        rows, known = [], []
    else:
        # The person's memberships, which the scope check below needs, go in the same round
        # trip when they are still to be read this request.
        queries = [(_WITH_UNIT, (pk,))]
        if events:
            queries.append((EVENTS, (pk,)))
        memberships = memberships_query(user)
        if memberships is not None:
            queries.append(memberships)
        results = run_together(*queries)
        rows, known = results[0], results[1] if events else []
        if memberships is not None:
            remember_memberships(user, results[-1])
    hazard = rows[0] if rows else None
    if hazard is not None and events:
        hazard.known_events = known
    return in_scope_or_404(user, hazard, perm=perm)

"""The audit log search page (administrators only, since it spans every region)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from hazardloop.accounts.access import has_perm_anywhere, scope_for
from hazardloop.audit.models import AuditEvent

PAGE = 50


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
def event_list(request):
    if not has_perm_anywhere(request.user, "audit.view"):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    qs = scope_for(request.user, "audit.view").filter(AuditEvent.objects.all(), "region_code", None)
    q = request.GET
    errors = []
    if q.get("actor"):
        qs = qs.filter(actor_label__icontains=q["actor"].strip())
    if q.get("action"):
        qs = qs.filter(action__startswith=q["action"].strip())
    if q.get("object"):
        term = q["object"].strip()
        qs = qs.filter(object_repr__icontains=term) | qs.filter(object_id=term)
    if q.get("ip"):
        qs = qs.filter(ip=q["ip"].strip())
    for key, lookup in (("from", "at__date__gte"), ("to", "at__date__lte")):
        if q.get(key):
            day = _date(q[key])
            if day is None:
                errors.append(_("Dates are written YYYY-MM-DD."))
            else:
                qs = qs.filter(**{lookup: day})
    before = q.get("before")
    if before and before.isdigit():
        qs = qs.filter(seq__lt=int(before))
    events = list(qs.order_by("-seq")[: PAGE + 1])
    more = len(events) > PAGE
    events = events[:PAGE]
    params = q.copy()
    params.pop("before", None)
    context = {
        "events": events,
        "next_before": events[-1].seq if more and events else None,
        "query": params.urlencode(),
        "errors": errors,
        "actions": sorted(
            {
                "login.succeeded",
                "login.failed",
                "login.locked",
                "logout",
                "access.denied",
                "access.out_of_scope",
                "api_token.created",
                "api_token.revoked",
                "password.changed",
            }
        ),
    }
    return render(request, "audit/event_list.html", context)

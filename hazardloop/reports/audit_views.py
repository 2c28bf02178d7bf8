"""The audit log search page (administrators only, since it spans every region)."""

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from hazardloop.accounts.access import has_perm_anywhere, scope_for
from hazardloop.audit.models import AuditEvent
from hazardloop.regions.models import Region
from hazardloop.reports.audit_labels import OBJECTS, action_choices

PAGE = 50


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _visible(user):
    if not has_perm_anywhere(user, "audit.view"):
        raise PermissionDenied(_("Only administrators may read the audit log."))
    return scope_for(user, "audit.view").filter(AuditEvent.objects.all(), "region_code", None)


@login_required
def event_list(request):
    # The before/after values stay in the table: one import event can hold hundreds of
    # kilobytes of them. The list says whether there are any; the event's page shows them.
    qs = (
        _visible(request.user)
        .defer("before", "after", "user_agent")
        .annotate(has_details=Q(before__isnull=False) | Q(after__isnull=False))
    )
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
        "actions": action_choices(
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
        )
        + [
            (f"{key}.", _("%(object)s: any action") % {"object": label})
            for key, label in OBJECTS.items()
        ],
    }
    return render(request, "audit/event_list.html", context)


@login_required
def event_detail(request, seq: int):
    event = _visible(request.user).filter(seq=seq).first()
    if event is None:
        raise Http404(_("No such event."))

    def pretty(value):
        if value is None:
            return ""
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)

    region = Region.objects.filter(code=event.region_code).first() if event.region_code else None
    context = {
        "e": event,
        "region_name": region.name if region else event.region_code,
        "before": pretty(event.before),
        "after": pretty(event.after),
    }
    return render(request, "audit/event_detail.html", context)

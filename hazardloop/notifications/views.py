from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from hazardloop.notifications.models import Notification
from hazardloop.notifications.services import mark_read

PAGE = 50


@login_required
@require_GET
def inbox(request):
    """The signed-in user's own notifications, newest first (keyset pages by id)."""
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    context = {
        "rows": rows,
        "next_before": rows[-1].pk if more and rows else None,
        "unread_only": bool(request.GET.get("unread")),
    }
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def read(request):
    """Mark one (`id`) or all of the user's notifications read, then follow `next`."""
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    mark_read(request.user, actor=request.user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")

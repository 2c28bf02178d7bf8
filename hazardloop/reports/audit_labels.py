"""The audit log in words: action codes, object types, regions and the stored technical notes
turned into labels in the reader's language (the one place for them; the audit app itself knows
nothing of the domain).

An audit event stores `action` as "<object>.<verb>" (hazard.order, login.failed, …). A known pair
has a label of its own; otherwise the object's and the verb's labels are joined; an unknown verb
reads "other change" (the stored record, shown verbatim under "Technical record", keeps the
code).
"""

import re

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from hazardloop.hazards.choices import EventKind as HazardEventKind
from hazardloop.supervision.choices import DocumentKind

OBJECTS = {
    "accountability": gettext_lazy("Accountability case"),
    "access": gettext_lazy("Access"),
    "accident": gettext_lazy("Accident report"),
    "account": gettext_lazy("Account"),
    "api_token": gettext_lazy("API token"),
    "campaign": gettext_lazy("Campaign"),
    "checklist": gettext_lazy("Checklist"),
    "document": gettext_lazy("Enforcement document"),
    "drill": gettext_lazy("Fire and evacuation drill"),
    "duty": gettext_lazy("Duty"),
    "duty_export": gettext_lazy("Duty roster export"),
    "duty_rule": gettext_lazy("Duty rule"),
    "evidence": gettext_lazy("Photos"),
    "hazard": gettext_lazy("Hazard"),
    "hazard_export": gettext_lazy("Hazard ledger export"),
    "inspection": gettext_lazy("Inspection"),
    "login": gettext_lazy("Sign-in"),
    "membership": gettext_lazy("Role"),
    "notification": gettext_lazy("Notification"),
    "password": gettext_lazy("Password"),
    "publicity": gettext_lazy("Publicity activity"),
    "region": gettext_lazy("Regions"),
    "tip": gettext_lazy("Public tip"),
    "report": gettext_lazy("Report"),
    "unit": gettext_lazy("Unit"),
    "unit_job": gettext_lazy("Unit import or export"),
    "user": gettext_lazy("Account"),
}

VERBS = {
    # Accident reports (accidents/services.py, accidents/jobs.py).
    "report": pgettext_lazy("audit action", "quick report filed"),
    "update": pgettext_lazy("audit action", "follow-up report filed"),
    "rerouted": pgettext_lazy("audit action", "regraded: sent to higher levels"),
    "receive": pgettext_lazy("audit action", "received by the level on duty"),
    "forward": pgettext_lazy("audit action", "reported up to the next level"),
    "follow_up_missed": pgettext_lazy("audit action", "follow-up report missed"),
    "step_late": pgettext_lazy("audit action", "reporting step late"),
    # Accountability cases (accountability/services.py).
    "propose": pgettext_lazy("audit action", "proposed by the daily sweep"),
    "open": pgettext_lazy("audit action", "raised by hand"),
    "confirm": pgettext_lazy("audit action", "proposal confirmed"),
    "dismiss": pgettext_lazy("audit action", "proposal dismissed"),
    "decide": pgettext_lazy("audit action", "measure decided"),
    "reactivated": pgettext_lazy("audit action", "reactivated"),
    "task_done": pgettext_lazy("audit action", "task completed"),
    "task_force": pgettext_lazy("audit action", "task force changed"),
    "unclaimed_swept": pgettext_lazy("audit action", "unattached photos removed"),
    "advise": pgettext_lazy("audit action", "expert advice"),
    "deadline_policy_deleted": pgettext_lazy("audit action", "deadline rule deleted"),
    "deadline_policy_saved": pgettext_lazy("audit action", "deadline rule saved"),
    "decide_extension": pgettext_lazy("audit action", "extension decided"),
    "determination": pgettext_lazy("audit action", "major-hazard determination recorded"),
    "exclusion": pgettext_lazy("audit action", "exclusion recorded"),
    "exclusion_ended": pgettext_lazy("audit action", "exclusion ended"),
    "rectify": pgettext_lazy("audit action", "rectification recorded"),
    "request_extension": pgettext_lazy("audit action", "extension requested"),
    "throttled": pgettext_lazy("audit action", "refused: too many attempts"),
    "ended": pgettext_lazy("audit action", "ended"),
    "granted": pgettext_lazy("audit action", "granted"),
    "reset_temporary": pgettext_lazy("audit action", "temporary password set"),
    "generate": pgettext_lazy("audit action", "generated"),
    "adopt": pgettext_lazy("audit action", "adopted by a lower level"),
    "admin_created": pgettext_lazy("audit action", "administrator created"),
    "amend": pgettext_lazy("audit action", "amended"),
    "approve_extension": pgettext_lazy("audit action", "extension approved"),
    "cancelled": pgettext_lazy("audit action", "cancelled"),
    "changed": pgettext_lazy("audit action", "changed"),
    "close": pgettext_lazy("audit action", "closed"),
    "committed": pgettext_lazy("audit action", "committed"),
    "create": pgettext_lazy("audit action", "created"),
    "created": pgettext_lazy("audit action", "created"),
    "deactivated": pgettext_lazy("audit action", "deactivated"),
    "denied": pgettext_lazy("audit action", "refused"),
    "done": pgettext_lazy("audit action", "finished"),
    "draw": pgettext_lazy("audit action", "double-random draw"),
    "draw_publish": pgettext_lazy("audit action", "draw published"),
    "draw_exported": pgettext_lazy("audit action", "draw result exported"),
    "progress_exported": pgettext_lazy("audit action", "progress table exported"),
    "export": pgettext_lazy("audit action", "exported"),
    "export_requested": pgettext_lazy("audit action", "export requested"),
    "exported": pgettext_lazy("audit action", "exported"),
    "failed": pgettext_lazy("audit action", "failed"),
    "files_deleted": pgettext_lazy("audit action", "old files deleted"),
    "holidays_loaded": pgettext_lazy("audit action", "holiday calendar loaded"),
    "import_rows": pgettext_lazy("audit action", "rows imported"),
    "imported": pgettext_lazy("audit action", "imported"),
    "invite": pgettext_lazy("audit action", "self-inspection invitations sent"),
    "issued": pgettext_lazy("audit action", "issued"),
    "launch": pgettext_lazy("audit action", "launched"),
    "locked": pgettext_lazy("audit action", "locked after repeated failures"),
    "out_of_scope": pgettext_lazy("audit action", "outside the user's area"),
    "photo_stored": pgettext_lazy("audit action", "photo stored"),
    "plan_stored": pgettext_lazy("audit action", "emergency plan stored"),
    "recorded": pgettext_lazy("audit action", "recorded"),
    "photos_claimed": pgettext_lazy("audit action", "photos attached"),
    "read": pgettext_lazy("audit action", "read"),
    "reset_link": pgettext_lazy("audit action", "reset link issued"),
    "revoked": pgettext_lazy("audit action", "revoked"),
    "risk_override_cleared": pgettext_lazy("audit action", "risk level override cleared"),
    "risk_overridden": pgettext_lazy("audit action", "risk level overridden"),
    "risk_recomputed": pgettext_lazy("audit action", "risk level recomputed"),
    "rule_set_loaded": pgettext_lazy("audit action", "grading rule set loaded"),
    "rule_set_saved": pgettext_lazy("audit action", "grading rule set saved"),
    "running": pgettext_lazy("audit action", "started"),
    "sent": pgettext_lazy("audit action", "sent"),
    "served": pgettext_lazy("audit action", "served"),
    "submit": pgettext_lazy("audit action", "submitted"),
    "succeeded": pgettext_lazy("audit action", "signed in"),
    "tasks": pgettext_lazy("audit action", "task list generated"),
    "tasks_done": pgettext_lazy("audit action", "tasks completed"),
    "tasks_assigned": pgettext_lazy("audit action", "tasks assigned"),
    "template_created": pgettext_lazy("audit action", "template created"),
    "updated": pgettext_lazy("audit action", "changed"),
    "version_amended": pgettext_lazy("audit action", "version amended"),
    "version_created": pgettext_lazy("audit action", "new version"),
    "viewed": pgettext_lazy("audit action", "viewed"),
    # duty (值班值守)
    "roster_created": pgettext_lazy("audit action", "roster created"),
    "roster_updated": pgettext_lazy("audit action", "roster changed"),
    "month_filled": pgettext_lazy("audit action", "month's shifts laid out"),
    "shift_created": pgettext_lazy("audit action", "shift added"),
    "shift_updated": pgettext_lazy("audit action", "people on a shift changed"),
    "leader_set": pgettext_lazy("audit action", "leader on duty named"),
    "leader_removed": pgettext_lazy("audit action", "leader on duty removed"),
    "period_created": pgettext_lazy("audit action", "heightened-duty period set"),
    "checked_in": pgettext_lazy("audit action", "checked in"),
    "handover_written": pgettext_lazy("audit action", "handover signed by the outgoing shift"),
    "handover_confirmed": pgettext_lazy("audit action", "handover confirmed by the next shift"),
    "swap_requested": pgettext_lazy("audit action", "shift swap requested"),
    "swap_approved": pgettext_lazy("audit action", "shift swap approved"),
    "swap_refused": pgettext_lazy("audit action", "shift swap refused"),
}

# Whole actions whose words are not "<object>: <verb>".
ACTIONS = {
    "logout": gettext_lazy("Signed out"),
    "login.succeeded": gettext_lazy("Signed in"),
    "login.failed": gettext_lazy("Sign-in failed"),
    "login.locked": gettext_lazy("Sign-in locked after repeated failures"),
    "tip.received": gettext_lazy("Public tip received"),
    "tip.triage": gettext_lazy("Public tip answered"),
    "duty_rule.changed": gettext_lazy("Duty rule set for a region"),
}


def action_label(code: str) -> str:
    """The words for an audit action code, in the active language."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    subject, _dot, verb = code.partition(".")
    thing = OBJECTS.get(subject)
    if subject == "hazard" and verb in HazardEventKind.values:
        what = HazardEventKind(verb).label
    elif verb in VERBS:
        what = VERBS[verb]
    elif subject == "hazard" and verb == "create":
        what = HazardEventKind.CREATED.label
    else:
        what = _("other change")
    if thing is None:
        return str(what)[:1].upper() + str(what)[1:]
    return _("%(object)s: %(action)s") % {"object": thing, "action": what}


def action_choices(codes) -> list[tuple[str, str]]:
    """(code, label) pairs for the filter, sorted by label."""
    return sorted(((c, action_label(c)) for c in set(codes)), key=lambda pair: pair[1])


def object_type_label(object_type: str) -> str:
    """ "hazards.hazard" → the model's verbose name; "" when unknown."""
    if not object_type or "." not in object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return ""


_RECIPIENTS = re.compile(r"^.+ → (\d+) recipient\(s\)$")
_CLAIMED = re.compile(r"^claimed by ([a-z_]+):(\d+)$")
_MARKED_READ = re.compile(r"^(\d+) marked read$")
_TASKS_DONE = re.compile(r"^(\d+) tasks? done$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z_]+:\d+")
_DOCUMENT = re.compile(r"^(.+) \(([a-z_]+)\) for hazard (\d+)$")
_LADDER_DOCUMENTS = re.compile(r"^(\d+) × ([a-z_]+) by the ladder sweep: (.+)$")


def message_text(message: str) -> str:
    """A stored technical note in words where its shape is known (notifications sent, photos
    attached, tasks done); a note in Chinese (a person's words) as stored; any other note is the
    services' technical English, shown only in the event's technical record ("")."""
    if not message:
        return ""
    if m := _TASKS_DONE.match(message):
        n = int(m.group(1))
        return ngettext("%(n)s task done", "%(n)s tasks done", n) % {"n": n}
    if m := _RECIPIENTS.match(message):
        n = int(m.group(1))
        return ngettext("Sent to %(n)s person", "Sent to %(n)s people", n) % {"n": n}
    if m := _CLAIMED.match(message):
        thing = OBJECTS.get(m.group(1), m.group(1))
        return _("Attached to %(object)s #%(id)s") % {"object": thing, "id": m.group(2)}
    if m := _MARKED_READ.match(message):
        n = int(m.group(1))
        return ngettext("%(n)s marked read", "%(n)s marked read", n) % {"n": n}
    if m := _DOCUMENT.match(message):
        return _("%(number)s (%(kind)s), hazard #%(id)s") % {
            "number": m.group(1),
            "kind": _document_kind(m.group(2)),
            "id": m.group(3),
        }
    if m := _LADDER_DOCUMENTS.match(message):
        return _("%(count)s × %(kind)s by the supervision ladder: %(numbers)s") % {
            "count": m.group(1),
            "kind": _document_kind(m.group(2)),
            "numbers": m.group(3),
        }
    # A person's words (Chinese) are shown; a note carrying a code is technical.
    return message if _CJK.search(message) and not _CODE.search(message) else ""


def _document_kind(code: str) -> str:
    return str(DocumentKind(code).label) if code in DocumentKind.values else _("document")

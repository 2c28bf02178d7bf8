"""The hazard loop: the one action table, who may act, and the one compare-and-swap kernel.

`ACTIONS` names every action once: its permission, the statuses it starts from and leads to,
the event it writes, its input schema (hazards/schemas.py) and its service. The API's body
schema, the page's forms and buttons are built from it; `perform()` runs a user's action
through it. Each service checks the permission itself (`check()`), never its caller.

Every change to a hazard — a status change or not (a plan, an extension, a grade override, a
supervision rung) — goes through `apply()`: it checks the action is possible in the current
status, updates the row only if its `version` is still the one the caller read (otherwise
`HazardChanged`: "this hazard changed meanwhile", nothing written), bumps the version and
appends one `HazardEvent`, plus its audit event.
"""

from dataclasses import dataclass
from importlib import import_module

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazardloop.accounts.access import belongs_to_unit, can, memberships_of
from hazardloop.accounts.choices import Role
from hazardloop.accounts.permissions import role_has
from hazardloop.audit.services import record_event, record_events
from hazardloop.core.errors import Conflict, DomainError
from hazardloop.core.prepared import insert_fields, insert_values, prepared_cursor, run_together
from hazardloop.hazards import schemas, unit_risk
from hazardloop.hazards.choices import OPEN_STATUSES, EventKind, Grade, Source, Status
from hazardloop.hazards.deadlines import clock_changes
from hazardloop.hazards.models import ExpertAssignment, Hazard, HazardEvent


class HazardChanged(Conflict):
    """Someone else changed the hazard since it was read; nothing was written."""

    code = "changed"

    def __init__(self, hazard=None):
        super().__init__(_("This hazard changed meanwhile. Reload it and try again."))
        self.hazard = hazard


class NotAllowedNow(Conflict):
    """The action is not possible in the hazard's current status (or another rule refuses)."""

    code = "not_allowed_now"


@dataclass(frozen=True)
class Action:
    """One action of the loop: who may (perm), from which statuses to which, the event it
    writes, its input (`schema`, hazards/schemas.py) and its service.

    `service` is the name of a function in `hazardloop.hazards.services`, called as
    `service(hazard, actor=..., **fixed, **input)`; it checks the permission itself. The name
    is resolved on use because the services import this module's kernel (`apply`, `check`).
    """

    name: str
    label: str
    perm: str | None  # None: system actions (the supervision ladder), never offered to users
    sources: tuple[str, ...]
    target: str | None  # None: the status stays
    event: str
    schema: type[schemas.ActionIn] | None = None
    service: str = ""
    fixed: tuple[tuple[str, object], ...] = ()

    @property
    def fields(self) -> list[str]:
        """The input fields a person fills in (the page form is built from these)."""
        if self.schema is None:
            return []
        return [f for f in self.schema.model_fields if f not in ("action", "version")]

    def run(self, hazard: Hazard, *, actor, payload: schemas.ActionIn):
        """Call the service with the validated input (only the fields that were given)."""
        service = getattr(import_module("hazardloop.hazards.services"), self.service)
        params = payload.model_dump(exclude={"action", "version"}, exclude_unset=True)
        return service(hazard, actor=actor, **dict(self.fixed), **params)


S = Status
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "order",
            gettext_lazy("Order rectification"),
            "hazard.order",
            (S.FOUND,),
            S.ORDERED,
            EventKind.ORDER,
            schemas.OrderIn,
            "order_hazard",
        ),
        Action(
            "start",
            gettext_lazy("Start rectification"),
            "hazard.rectify",
            (S.ORDERED,),
            S.RECTIFYING,
            EventKind.START,
            schemas.StartIn,
            "start_rectification",
        ),
        Action(
            "submit",
            gettext_lazy("Submit rectification"),
            "hazard.rectify",
            (S.RECTIFYING,),
            S.SUBMITTED,
            EventKind.SUBMIT,
            schemas.SubmitIn,
            "submit_rectification",
        ),
        Action(
            "verify",
            gettext_lazy("Verification passed"),
            "hazard.verify",
            (S.SUBMITTED,),
            S.VERIFIED,
            EventKind.VERIFY,
            schemas.VerifyIn,
            "verify_hazard",
            (("passed", True),),
        ),
        Action(
            "reject",
            gettext_lazy("Verification failed"),
            "hazard.verify",
            (S.SUBMITTED,),
            S.RECTIFYING,
            EventKind.REJECT,
            schemas.RejectIn,
            "verify_hazard",
            (("passed", False),),
        ),
        Action(
            "close",
            gettext_lazy("Close (销号)"),
            "hazard.close",
            (S.VERIFIED,),
            S.CLOSED,
            EventKind.CLOSE,
            schemas.CloseIn,
            "close_hazard",
        ),
        Action(
            "plan",
            gettext_lazy("Save the rectification plan"),
            "hazard.rectify",
            (S.FOUND, S.ORDERED, S.RECTIFYING),
            None,
            EventKind.PLAN,
            schemas.PlanIn,
            "save_plan",
        ),
        Action(
            "request_extension",
            gettext_lazy("Request an extension"),
            "hazard.request_extension",
            (S.ORDERED, S.RECTIFYING),
            None,
            EventKind.EXTENSION_REQUEST,
            schemas.RequestExtensionIn,
            "request_extension",
        ),
        Action(
            "approve_extension",
            gettext_lazy("Approve the extension"),
            "hazard.decide_extension",
            (S.ORDERED, S.RECTIFYING),
            None,
            EventKind.EXTENSION_APPROVE,
            schemas.ApproveExtensionIn,
            "decide_extension",
            (("approve", True),),
        ),
        Action(
            "refuse_extension",
            gettext_lazy("Refuse the extension"),
            "hazard.decide_extension",
            (S.ORDERED, S.RECTIFYING),
            None,
            EventKind.EXTENSION_REFUSE,
            schemas.RefuseExtensionIn,
            "decide_extension",
            (("approve", False),),
        ),
        Action(
            "override_grade",
            gettext_lazy("Override the grade"),
            "hazard.override_grade",
            tuple(OPEN_STATUSES),
            None,
            EventKind.OVERRIDE_GRADE,
            schemas.OverrideGradeIn,
            "override_grade",
        ),
        Action(
            "assign_expert",
            gettext_lazy("Assign an expert"),
            "hazard.order",
            tuple(OPEN_STATUSES),
            None,
            EventKind.ASSIGN_EXPERT,
            schemas.AssignExpertIn,
            "assign_expert",
        ),
        Action(
            "advise",
            gettext_lazy("Give expert advice"),
            "hazard.advise",
            tuple(OPEN_STATUSES),
            None,
            EventKind.ADVICE,
            schemas.AdviseIn,
            "advise_hazard",
        ),
        Action("regrade", "", None, tuple(OPEN_STATUSES), None, EventKind.REGRADE),
        # A determination and an exclusion have their own pages and checks (services/judging).
        Action("determine", "", None, tuple(OPEN_STATUSES), None, EventKind.DETERMINED),
        Action("exclude", "", None, tuple(OPEN_STATUSES), None, EventKind.EXCLUDED),
        Action("supervision", "", None, tuple(OPEN_STATUSES), None, EventKind.SUPERVISION),
        Action("clock_lapse", "", None, tuple(OPEN_STATUSES), None, EventKind.CLOCK_LAPSE),
    ]
}
USER_ACTIONS = tuple(name for name, a in ACTIONS.items() if a.perm)
# Expert-only grants of these permissions hold only on hazards the expert is assigned to.
ASSIGNMENT_PERMS = frozenset({"hazard.verify", "hazard.advise"})
# Actions where the actor must not be the person who submitted the rectification.
SEPARATED = frozenset({"verify", "reject"})
# The authority's actions: nobody takes them on a hazard of a unit they hold a role in (a
# regulator who also manages a restaurant does not extend its deadline).
AUTHORITY = frozenset(
    {
        "order",
        "verify",
        "reject",
        "close",
        "approve_extension",
        "refuse_extension",
        "override_grade",
        "assign_expert",
    }
)


# The unit closes its own general hazards (the one exception to AUTHORITY): a general hazard
# the unit found itself (source self_inspection: its self-inspection or patrol) is ordered,
# verified and closed by the unit's own people holding hazard.self_close — verified and closed
# by someone other than the person who submitted the rectification (DESIGN.md). A major
# hazard, or one the authorities found, goes to the regulator as every other.
UNIT_SELF_CLOSE = frozenset({"order", "verify", "reject", "close"})
UNIT_SELF_CLOSE_PERM = "hazard.self_close"


def unit_self_closes(user, action: str, hazard: Hazard) -> bool:
    """The unit-closes-its-own-general-hazard rule applies to this user, action and hazard."""
    return (
        action in UNIT_SELF_CLOSE
        and belongs_to_unit(user, hazard.unit_id)  # first: memberships are read once a request
        and hazard.source == Source.SELF_INSPECTION
        and hazard.grade == Grade.GENERAL
        and can(user, UNIT_SELF_CLOSE_PERM, region_code=hazard.region_code, unit_id=hazard.unit_id)
    )


def _covers(membership, hazard) -> bool:
    if membership.role == Role.ADMIN:
        return True
    if membership.unit_id is not None:
        return membership.unit_id == hazard.unit_id
    return hazard.region_code.startswith(membership.region.prefix)


def role_allows(user, action: str, hazard: Hazard) -> bool:
    """Does one of the user's roles grant this action on this hazard (whatever its status)?"""
    spec = ACTIONS[action]
    if spec.perm is None:
        return False
    if unit_self_closes(user, action, hazard):
        return True
    if not can(user, spec.perm, region_code=hazard.region_code, unit_id=hazard.unit_id):
        return False
    if spec.perm not in ASSIGNMENT_PERMS or getattr(user, "is_superuser", False):
        return True
    granting = [
        m for m in memberships_of(user) if role_has(m.role, spec.perm) and _covers(m, hazard)
    ]
    if any(m.role != Role.EXPERT for m in granting):
        return True
    return ExpertAssignment.objects.filter(hazard=hazard, expert=user).exists()


def refusal(user, action: str, hazard: Hazard) -> str | None:
    """Why the user may not do the action now (a translated sentence), or None if they may.

    Raises PermissionDenied when the user's role does not allow the action at all.
    """
    spec = ACTIONS.get(action)
    if spec is None or spec.perm is None:
        return _("Unknown action.")
    if not role_allows(user, action, hazard):
        raise PermissionDenied(_("Your role does not allow this action here."))
    own = unit_self_closes(user, action, hazard)
    if action in AUTHORITY and not own and belongs_to_unit(user, hazard.unit_id):
        raise PermissionDenied(
            _("You hold a role in this unit, so you cannot act as its authority on this hazard.")
        )
    if hazard.status not in spec.sources:
        return _("This is not possible while the hazard is “%(status)s”.") % {
            "status": hazard.get_status_display()
        }
    if (action in SEPARATED or (own and action == "close")) and hazard.submitted_by_id == user.pk:
        return _("The person who submitted the rectification may not verify it.")
    return None


def check(user, action: str, hazard: Hazard) -> None:
    """PermissionDenied (role; audited as access.denied) or NotAllowedNow (status,
    separation of duties)."""
    try:
        reason = refusal(user, action, hazard)
    except PermissionDenied as denied:
        record_event(
            "access.denied", actor=user, obj=hazard, message=f"hazard.{action} refused: {denied}"
        )
        raise
    if reason:
        raise NotAllowedNow(reason)


def available_actions(user, hazard: Hazard) -> list[Action]:
    out = []
    for name in USER_ACTIONS:
        if hazard.status not in ACTIONS[name].sources:
            continue  # refused whatever the role (and no sentence to translate for it)
        try:
            if refusal(user, name, hazard) is None:
                out.append(ACTIONS[name])
        except PermissionDenied:
            continue
    return out


class UnknownAction(DomainError):
    code = "unknown_action"


def user_action(name: str) -> Action:
    """The table's entry for an action a person may ask for; UnknownAction otherwise."""
    spec = ACTIONS.get(name)
    if spec is None or spec.perm is None:
        raise UnknownAction(_("Unknown action."))
    return spec


def perform(hazard: Hazard, payload: schemas.ActionIn, *, actor) -> Hazard:
    """Run the action `payload` names, with its input, as `actor`: the one way in for the API
    and the pages. The service checks who may (PermissionDenied) and when (NotAllowedNow);
    a `version` other than the hazard's is refused as HazardChanged before anything runs."""
    spec = user_action(payload.action)
    if payload.version is not None and payload.version != hazard.version:
        raise HazardChanged(hazard)
    spec.run(hazard, actor=actor, payload=payload)
    return hazard


def apply(
    hazard: Hazard,
    action: str,
    *,
    actor,
    now,
    reason: str = "",
    data: dict | None = None,
    changes: dict | None = None,
    record: models.Model | None = None,
    notice=None,
) -> HazardEvent:
    """Compare-and-swap the hazard from its current (version, status) and append the event.

    Call inside the service's transaction. `changes` are extra column values to write in the
    same UPDATE. `record` is a new row that belongs to the event (its `event` field is set to
    it: a verification record), inserted in the same statement on PostgreSQL. `notice`, a
    function of the hazard as the step leaves it that gives a `notifications.Notice` (e.g.
    `notices.to_unit`), is the step's notification, sent in the same round trip as the
    compare-and-swap on PostgreSQL. Raises NotAllowedNow for a wrong status and
    HazardChanged when the row moved on since it was read: nothing is written then (the
    notification, sent with it, rolls back with the service's transaction).
    """
    spec = ACTIONS[action]
    if hazard.status not in spec.sources:
        raise NotAllowedNow(
            _("This is not possible while the hazard is “%(status)s”.")
            % {"status": hazard.get_status_display()}
        )
    before = hazard.status
    after = spec.target or before
    changes = dict(changes or {})
    # The state's clock (deadlines.py) goes in the same UPDATE; the unit's risk follows below.
    changes.update(clock_changes(hazard, after, changes))
    feeds_risk = unit_risk.touches(hazard, after, changes, timezone.now())
    event = HazardEvent(
        hazard=hazard,
        kind=spec.event,
        from_status=before,
        to_status=after,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        reason=reason,
        data=data or {},
    )
    version = hazard.version
    kept = {name: getattr(hazard, name) for name in changes}
    if notice is not None:
        # The notification reads the hazard as the step leaves it (a deadline just set).
        _moved(hazard, changes, after)
        try:
            notice = notice(hazard)
        finally:
            _moved(hazard, kept, before, version)
    recount = None
    if connection.vendor == "postgresql":
        # The unit's lock and count go after the swap and the notification, in their round
        # trip (the lock is asked only once the swap is done, as it was one statement later).
        if feeds_risk:
            recount = unit_risk.Recount(hazard.unit_id, actor=actor)
        swapped, notified, counted = _swap_and_append(
            hazard, before, after, changes, event, record, notice=notice, recount=recount
        )
        if not swapped:
            raise HazardChanged(hazard)
    else:
        updated = Hazard.objects.filter(pk=hazard.pk, version=version, status=before)
        updated = updated.update(
            status=after, version=F("version") + 1, updated_at=timezone.now(), **changes
        )
        if not updated:
            raise HazardChanged(hazard)
        event.save(force_insert=True)
        if record is not None:
            record.event = event
            record.save(force_insert=True)
        notified = None
        if notice is not None:
            with prepared_cursor() as cursor:
                cursor.execute(notice.sql, notice.params)
                notified = cursor.fetchall()
    _moved(hazard, changes, after)
    known = getattr(hazard, "known_events", None)
    if known is not None:  # read with the hazard (access_hazard(events=True)): keep it whole
        known.append(event)
        known.sort(key=lambda e: (e.at, e.pk))
    record_event(
        f"hazard.{action}",
        actor=actor,
        obj=hazard,
        message=reason[:500],
        before={"status": before},
        after={"status": after, **{k: _plain(v) for k, v in changes.items()}},
    )
    if recount is not None:
        recount.done(counted)
    elif feeds_risk:
        unit_risk.refresh_units([hazard.unit_id], actor=actor, read_first=False)
    if notice is not None:
        notice.sent(notified)
    return event


def _moved(hazard: Hazard, values: dict, status: str, version: int | None = None) -> None:
    """Set the hazard's columns as a step leaves them (`version` None: one more than now),
    or back as they were (`version` given)."""
    for name, value in values.items():
        setattr(hazard, name, value)
    hazard.status = status
    hazard.version = version if version is not None else hazard.version + 1


_EVENT_COLUMNS = ("kind", "from_status", "to_status", "actor", "at", "reason", "data")
_swap_sql: dict[tuple, str] = {}


def _swap_sql_for(columns: tuple[str, ...], record_model=None) -> str:
    """The compare-and-swap UPDATE of these extra columns and the event's INSERT as one
    statement (PostgreSQL), with the record's INSERT when there is one; built once per set of
    columns and record model. It answers the event's id (no row: the swap did not happen)."""
    key = (columns, record_model)
    sql = _swap_sql.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        hazards, events = Hazard._meta.db_table, HazardEvent._meta.db_table
        sets = ", ".join(
            f"{quote(Hazard._meta.get_field(c).column)} = %s"
            for c in ("status", "updated_at", *columns)
        )
        names = ", ".join(
            quote(HazardEvent._meta.get_field(c).column) for c in ("hazard", *_EVENT_COLUMNS)
        )
        marks = ", ".join(["%s"] * len(_EVENT_COLUMNS))
        moved = (
            f"WITH moved AS (UPDATE {hazards} SET {sets}, version = version + 1 "  # noqa: S608
            "WHERE id = %s AND version = %s AND status = %s RETURNING id) "
        )
        append = f"INSERT INTO {events} ({names}) SELECT id, {marks} FROM moved RETURNING id"  # noqa: S608
        if record_model is None:
            sql = moved + append
        else:
            meta = record_model._meta
            fields = insert_fields(record_model, leave_out=("event",))
            event_column = quote(meta.get_field("event").column)
            sql = (
                f"{moved}, appended AS ({append}) "  # noqa: S608
                f"INSERT INTO {quote(meta.db_table)} "
                f"({event_column}, {', '.join(quote(f.column) for f in fields)}) "
                f"SELECT id, {', '.join(['%s'] * len(fields))} FROM appended "
                f"RETURNING {event_column}, {quote(meta.pk.column)}"
            )
        _swap_sql[key] = sql
    return sql


def _prep(model, name: str, value):
    field = model._meta.get_field(name)
    if field.is_relation and isinstance(value, models.Model):
        value = value.pk
    return field.get_db_prep_save(value, connection)


def _swap_and_append(
    hazard, before: str, after: str, changes: dict, event, record=None, notice=None, recount=None
) -> tuple[bool, list | None, list | None]:
    """PostgreSQL: move the hazard from (version, `before`), insert its event and the record
    that belongs to it, in one statement, with the notification's INSERT (`notice`) and the
    unit's lock and count (`recount`) after it in the same round trip; (False, …) when the
    row moved on since it was read (nothing written but the notification, which the
    caller's transaction rolls back with the lock). The other values: the notification
    statement's rows, and what the recount's queries read (None without them)."""
    columns = tuple(sorted(changes))
    params = [
        _prep(Hazard, "status", after),
        _prep(Hazard, "updated_at", timezone.now()),
        *(_prep(Hazard, c, changes[c]) for c in columns),
        hazard.pk,
        hazard.version,
        before,
        *(_prep(HazardEvent, c, getattr(event, c)) for c in _EVENT_COLUMNS),
    ]
    record_model = type(record) if record is not None else None
    if record is not None:
        # Its event comes from the event the statement inserts.
        params += insert_values(
            record, insert_fields(record_model, leave_out=("event",)), connection
        )
    sql = _swap_sql_for(columns, record_model)
    notified = counted = None
    if notice is None and recount is None:
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        queries = [(sql, params)]
        if notice is not None:
            queries.append((notice.sql, notice.params))
        if recount is not None:
            queries.extend(recount.queries)
        results = run_together(*queries)
        rows = results[0]
        if notice is not None:
            notified = results[1]
        if recount is not None:
            counted = results[len(results) - len(recount.queries) :]
    if not rows:
        return False, notified, counted
    row = rows[0]
    event.pk = row[0]
    event._state.adding = False
    event._state.db = connection.alias
    if record is not None:
        record.event = event
        record.pk = row[1]
        record._state.adding = False
        record._state.db = connection.alias
    return True, notified, counted


@dataclass
class BatchRow:
    """One hazard of a locked batch (`apply_many`): as read under the lock, what to write."""

    hazard: Hazard
    status: str
    version: int
    changes: dict
    data: dict
    before: dict  # the audit event's "before" (the columns the changes move)
    after: dict | None = None  # the audit event's "after" when more than the changes


def apply_many(action: str, rows: list[BatchRow], *, now, reason: str = "") -> list[Hazard]:
    """`apply()` for a batch of the daily sweep, whose rows the caller has locked
    (SELECT … FOR UPDATE) and read again in this transaction; returns the hazards written.

    The lock stands in for the version compare: nobody can change the rows until commit, so
    one UPDATE per distinct set of changes (not one per hazard) moves them, bumping each
    version; their events are bulk-inserted and their audit events appended under one lock of
    the audit chain. Rows whose status the action does not start from are skipped. System
    actions only (the status stays): a person's action always goes through `apply()`.
    """
    spec = ACTIONS[action]
    if spec.perm is not None or spec.target is not None:
        raise ValueError(f"{action!r} is not a status-keeping system action")
    rows = [r for r in rows if r.status in spec.sources]
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row.changes.items())), []).append(row.hazard.pk)
    for changes, pks in groups.items():
        Hazard.objects.filter(pk__in=pks).update(
            version=F("version") + 1, updated_at=timezone.now(), **dict(changes)
        )
    events, audit = [], []
    for row in rows:
        hazard = row.hazard
        for name, value in row.changes.items():
            setattr(hazard, name, value)
        hazard.status, hazard.version = row.status, row.version + 1
        events.append(
            HazardEvent(
                hazard_id=hazard.pk,
                kind=spec.event,
                from_status=row.status,
                to_status=row.status,
                at=now,
                reason=reason,
                data=row.data,
            )
        )
        audit.append(
            (
                f"hazard.{action}",
                {
                    "object_type": "hazards.hazard",
                    "object_id": str(hazard.pk),
                    "object_repr": f"#{hazard.pk}",
                    "region_code": hazard.region_code,
                    "message": reason[:500],
                    "before": row.before,
                    "after": row.after or {k: _plain(v) for k, v in row.changes.items()},
                },
            )
        )
    HazardEvent.objects.bulk_create(events, batch_size=2000)
    record_events(audit)
    return [row.hazard for row in rows]


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value

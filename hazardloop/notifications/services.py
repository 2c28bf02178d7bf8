"""Sending notifications: `notify(...)` is the one way in, for every app.

E-mail never holds up the change that caused it: after the commit, the notifications of
recipients with an address are handed to a background task (`send_notification_emails`, the
django-tasks worker), and the sweep step `retry_emails_once` sends what is still unsent a few
minutes later (the worker was down, or the mail server refused): at most
NOTIFICATION_EMAIL_ATTEMPTS tries per notification, within NOTIFICATION_EMAIL_RETRY_HOURS.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from hazardloop.accounts.models import Membership, User
from hazardloop.audit.services import record_event
from hazardloop.core.prepared import prepared_cursor
from hazardloop.notifications.models import Notification

log = logging.getLogger("hazardloop.notifications")


def notify(
    recipients: Iterable,
    *,
    key: str,
    message: str,
    params: dict | None = None,
    link: str = "",
    obj=None,
    region_code: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient once about the event `key`; returns the notifications created.

    `message` is an English source string marked with `gettext_noop` in the caller's app (so
    its translation exists) using %(name)s placeholders filled from `params`. A recipient who
    already has a notification with this key gets nothing new: calling twice for the same event
    is harmless. The e-mail goes out after the surrounding transaction commits (never for a
    rolled-back change), to recipients with an address, in the site language.
    """
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return []
    return _notify(
        sorted(people),
        key=key,
        message=message,
        params=params,
        link=link,
        obj=obj,
        region_code=region_code,
        email=email,
    )


@dataclass
class Notice:
    """A notification built before it is written, so that its one statement can go in the
    same round trip as the change it tells of (`unit_notice`; the hazard workflow sends it
    with its compare-and-swap): run `sql` with `params` inside the change's transaction, then
    give its rows to `sent`, which does what `notify` does after its INSERT (the audit event,
    the e-mail after the commit) and returns the notifications written. If the change does
    not happen, its transaction must roll the notification back with it."""

    sql: str
    params: list
    values: dict
    key: str
    obj: object
    object_type: str
    object_id: str
    region_code: str
    email: bool

    def sent(self, rows) -> list[Notification]:
        created = []
        for pk, recipient_id, has_email in sorted(rows):
            row = Notification(pk=pk, recipient_id=recipient_id, **self.values)
            row._state.adding = False
            row._state.db = connection.alias
            row.has_email = bool(has_email)
            created.append(row)
        if created:
            record_event(
                "notification.sent",
                obj=self.obj,
                object_type=self.object_type or "notifications.notification",
                object_id=self.object_id or str(created[0].pk),
                region_code=self.region_code,
                message=f"{self.key} → {len(created)} recipient(s)",
            )
        ids = [n.pk for n in created if n.has_email]
        if self.email and ids:
            # robust: a queue that cannot be written must not fail a change already committed;
            # the retry sweep finds these notifications unsent.
            transaction.on_commit(lambda: send_notification_emails.enqueue(ids), robust=True)
        return created


def unit_notice(unit_id: int, **options) -> Notice:
    """A notification (`notify`'s keyword options) to the active people with an active
    membership of unit `unit_id`, read by the INSERT itself (one statement: the step that tells
    a unit does not read its people first), built but not yet written: see `Notice`; `send`
    writes it on its own."""
    return _notice(unit_id, **options)


def _notify(recipients: list[int] | int, **options) -> list[Notification]:
    """`recipients`: the users' ids, or a unit's id (its members, read by the INSERT)."""
    return send(_notice(recipients, **options))


def send(notice: Notice) -> list[Notification]:
    """Write a built notification now, on its own (as `notify` does)."""
    # No savepoint inside the caller's transaction: nothing here is expected to fail on its
    # own (conflicts are ignored), and the notification belongs to the caller's change anyway.
    with transaction.atomic(savepoint=False):
        # One statement: INSERT … ON CONFLICT DO NOTHING RETURNING gives exactly the rows
        # written; a recipient who already has this key (or a concurrent sender of the same
        # event, the unique recipient+key) gets nothing new, and is e-mailed at most once.
        with prepared_cursor() as cursor:
            cursor.execute(notice.sql, notice.params)
            rows = cursor.fetchall()
        return notice.sent(rows)


def _notice(
    recipients: list[int] | int,
    *,
    key: str,
    message: str,
    params: dict | None = None,
    link: str = "",
    obj=None,
    region_code: str = "",
    email: bool = True,
) -> Notice:
    params = {k: str(v) for k, v in (params or {}).items()}
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    if obj is not None and not region_code:
        region_code = str(getattr(obj, "region_code", "") or "")
    sql, values, statement_params = _insert_new(
        recipients,
        key=key[:120],
        message=message[:300],
        params=params,
        link=link[:300],
        object_type=object_type,
        object_id=object_id,
        region_code=region_code[:12],
    )
    return Notice(
        sql=sql,
        params=statement_params,
        values=values,
        key=key,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        email=email,
    )


_INSERT_FIELDS = (
    "recipient_id",
    "key",
    "message",
    "params",
    "link",
    "object_type",
    "object_id",
    "region_code",
    "created_at",
    "email_attempts",
)
_insert_sql: dict[tuple[str, bool], str] = {}


def _insert_head(members: bool) -> str:
    """The INSERT up to its rows: VALUES for given recipients, else a SELECT of a unit's
    active members; ON CONFLICT and RETURNING (with whether the recipient has an address)
    follow the rows."""
    sql = _insert_sql.get((connection.vendor, members))
    if sql is None:
        meta = Notification._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        users = quote(User._meta.db_table)
        columns = ", ".join(quote(meta.get_field(f).column) for f in _INSERT_FIELDS)
        marks = ", ".join(["%s"] * (len(_INSERT_FIELDS) - 1))
        rows = (
            f"SELECT u.id, {marks} FROM {users} u WHERE u.is_active AND EXISTS ("  # noqa: S608
            f"SELECT 1 FROM {quote(Membership._meta.db_table)} m WHERE m.user_id = u.id "
            "AND m.unit_id = %s AND m.is_active) ORDER BY u.id"
            if members
            else "VALUES {rows}"
        )
        sql = _insert_sql[(connection.vendor, members)] = (
            f"INSERT INTO {table} ({columns}) {rows}"  # noqa: S608
            f" ON CONFLICT ({quote('recipient_id')}, {quote('key')}) DO NOTHING"
            f" RETURNING {quote('id')}, {quote('recipient_id')}, (SELECT e.email <> '' FROM"
            f" {users} e WHERE e.id = {table}.{quote('recipient_id')})"
        )
    return sql


def _insert_new(recipients: list[int] | int, **fields) -> tuple[str, dict, list]:
    """The INSERT of one notification per recipient that has none with this key (ON CONFLICT
    DO NOTHING; its RETURNING gives those written, with whether the recipient has an address:
    `Notice.sent`), the row's values, and the statement's parameters. `recipients`: user
    ids, or a unit's id for its active members."""
    meta = Notification._meta
    now = timezone.now()
    values = {**fields, "created_at": now, "email_attempts": 0}
    prepared = {
        name: meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in values.items()
    }
    members = isinstance(recipients, int)
    sql = _insert_head(members)
    params: list = []
    if members:
        params.extend(prepared[f] for f in _INSERT_FIELDS[1:])
        params.append(recipients)
    else:
        one = "(" + ", ".join(["%s"] * len(_INSERT_FIELDS)) + ")"
        sql = sql.replace("{rows}", ", ".join([one] * len(recipients)), 1)
        for pk in recipients:
            params.extend(pk if f == "recipient_id" else prepared[f] for f in _INSERT_FIELDS)
    return sql, values, params


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    return send_emails(notification_ids)


def send_emails(notification_ids: list[int]) -> int:
    """E-mail the given notifications that were not e-mailed yet; returns how many were sent.

    Each row is claimed with a compare-and-swap on `emailed_at`, so the task and the retry
    sweep never both send it. A refused message is marked unsent again, its attempt counted,
    and the rest of the batch waits for the next try (the server is likely down for all).
    """
    sent = 0
    files: dict[tuple[str, str], list] = {}  # (object type, id) → attachments, built once
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for row in rows.select_related("recipient").order_by("pk"):
        address = row.recipient.email
        if not address:
            continue
        claimed = Notification.objects.filter(pk=row.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1
        )
        if not claimed:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            text = row.text
        body = text
        if row.link:
            body = f"{text}\n\n{getattr(settings, 'SITE_URL', '').rstrip('/')}{row.link}"
        key = (row.object_type, row.object_id)
        if key not in files:
            files[key] = _attachments(*key)
        try:
            EmailMessage(
                text[:150], body, settings.DEFAULT_FROM_EMAIL, [address], attachments=files[key]
            ).send()
            sent += 1
        except Exception:
            Notification.objects.filter(pk=row.pk).update(emailed_at=None)
            log.exception("e-mail for notification %s failed", row.pk)
            break
    return sent


def _attachments(object_type: str, object_id: str) -> list:
    """The files an e-mail about this object carries: settings.NOTIFICATION_EMAIL_ATTACHMENTS
    maps an object type to a function (object id → [(filename, bytes, mimetype)]), so that this
    app knows nothing of the domain (the scheduling report attaches its PDF and workbook)."""
    path = settings.NOTIFICATION_EMAIL_ATTACHMENTS.get(object_type)
    if not (path and object_id):
        return []
    try:
        return list(import_string(path)(object_id))
    except Exception:
        # A file that cannot be read must not stop the message: its link is in the text.
        log.exception("attachments of %s %s failed; e-mail sent without", object_type, object_id)
        return []


RETRY_BATCH = 200


def retry_emails_once(now) -> int:
    """Sweep step: send the e-mails still unsent (recipient with an address, created between
    NOTIFICATION_EMAIL_RETRY_HOURS and 2 minutes ago, fewer than NOTIFICATION_EMAIL_ATTEMPTS
    tries). Idempotent; returns how many were sent."""
    since = now - dt.timedelta(hours=settings.NOTIFICATION_EMAIL_RETRY_HOURS)
    ids = list(
        Notification.objects.filter(
            created_at__gte=since,
            created_at__lt=now - dt.timedelta(minutes=2),
            emailed_at__isnull=True,
            email_attempts__lt=settings.NOTIFICATION_EMAIL_ATTEMPTS,
        )
        .exclude(recipient__email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    return send_emails(ids) if ids else 0


def mark_read(user, *, actor, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or those ids) read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    with transaction.atomic():
        changed = qs.update(read_at=timezone.now())
        if changed:
            record_event(
                "notification.read",
                actor=actor,
                object_type="notifications.notification",
                object_id=str(user.pk),
                message=f"{changed} marked read",
            )
    return changed


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

"""notify(): once per recipient and event, one INSERT, one audit event, e-mail after commit
through the task worker, and the retry sweep for what the mail server refused."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hazardloop.audit.models import AuditEvent
from hazardloop.notifications.models import Notification
from hazardloop.notifications.services import notify, retry_emails_once
from hazardloop.testing import IMMEDIATE_TASKS

MESSAGE = "Hazard “%(title)s” at %(unit)s passed verification."


@pytest.mark.django_db
def test_each_recipient_once_in_a_few_queries(
    cast, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.TASKS = IMMEDIATE_TASKS  # the worker runs the e-mail task at once
    people = [cast.regulator, cast.inspector, cast.unit_manager]
    for user in people:
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    audit = AuditEvent.objects.count()
    params = {"title": "x", "unit": "y"}
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        created = notify(people, key="t:1", message=MESSAGE, params=params)
    assert len(created) == 3 and all(n.pk for n in created)
    # one INSERT … ON CONFLICT DO NOTHING RETURNING (it was existing + insert + read back),
    # whatever the number of recipients
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 1
    assert AuditEvent.objects.count() == audit + 1
    assert len(mailoutbox) == 3
    # The same event again, with one more person: only the new person hears of it.
    with django_capture_on_commit_callbacks(execute=True):
        again = notify(
            [*people, cast.leader], key="t:1", message=MESSAGE, params={"title": "x", "unit": "y"}
        )
    assert [n.recipient_id for n in again] == [cast.leader.pk]
    assert Notification.objects.filter(key="t:1").count() == 4
    assert notify(people, key="t:1", message=MESSAGE) == []
    assert AuditEvent.objects.count() == audit + 2


@pytest.mark.django_db
def test_email_is_queued_for_the_worker_not_sent_in_the_request(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    """With the database task backend (as served), the change commits and returns without
    talking to the mail server; only recipients with an address make a task."""
    cast.regulator.email = "r@example.cn"
    cast.regulator.save(update_fields=["email"])
    tasks = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast.regulator, cast.inspector], key="t:2", message=MESSAGE)
    assert mailoutbox == []
    [queued] = DBTaskResult.objects.order_by("-enqueued_at")[:1]
    assert DBTaskResult.objects.count() == tasks + 1
    assert queued.task_path.endswith("send_notification_emails")
    [ids] = queued.args_kwargs["args"]
    assert [Notification.objects.get(pk=i).recipient_id for i in ids] == [cast.regulator.pk]
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast.inspector], key="t:3", message=MESSAGE)  # no address: no task
    assert DBTaskResult.objects.count() == tasks + 1


class _Refusing:
    """An e-mail backend whose server refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db
def test_refused_email_is_retried_by_the_sweep_a_few_times(
    cast, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.TASKS = IMMEDIATE_TASKS
    settings.NOTIFICATION_EMAIL_ATTEMPTS = 3
    for user in (cast.regulator, cast.inspector):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    settings.EMAIL_BACKEND = f"{__name__}._Refusing"
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([cast.regulator, cast.inspector], key="t:4", message=MESSAGE)
    first, second = sorted(created, key=lambda n: n.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    # the first was tried and put back; the batch stopped there (the server is down)
    assert (first.emailed_at, first.email_attempts) == (None, 1)
    assert (second.emailed_at, second.email_attempts) == (None, 0)
    later = timezone.now() + dt.timedelta(minutes=5)
    assert retry_emails_once(timezone.now()) == 0  # too recent: the task's turn
    assert retry_emails_once(later) == 0
    first.refresh_from_db()
    assert first.email_attempts == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_emails_once(later) == 2  # the server is back
    expected = sorted(f"{u.username}@example.cn" for u in (cast.regulator, cast.inspector))
    assert sorted(m.to[0] for m in mailoutbox) == expected
    assert retry_emails_once(later) == 0  # sent once only
    assert Notification.objects.filter(key="t:4", emailed_at__isnull=True).count() == 0

    # a notification tried NOTIFICATION_EMAIL_ATTEMPTS times is given up; one older than
    # NOTIFICATION_EMAIL_RETRY_HOURS too
    Notification.objects.filter(pk=first.pk).update(emailed_at=None, email_attempts=3)
    Notification.objects.filter(pk=second.pk).update(
        emailed_at=None, created_at=later - dt.timedelta(hours=25)
    )
    assert retry_emails_once(later) == 0


@pytest.mark.django_db
def test_a_queue_that_cannot_be_written_leaves_the_email_to_the_sweep(
    cast, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    from hazardloop.notifications import services

    class BrokenQueue:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("task table unavailable")

    monkeypatch.setattr(services, "send_notification_emails", BrokenQueue())
    cast.regulator.email = "r@example.cn"
    cast.regulator.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assert len(notify([cast.regulator], key="t:5", message=MESSAGE)) == 1  # no exception
    assert mailoutbox == []
    later = timezone.now() + dt.timedelta(minutes=5)
    assert retry_emails_once(later) == 1 and mailoutbox[0].to == ["r@example.cn"]

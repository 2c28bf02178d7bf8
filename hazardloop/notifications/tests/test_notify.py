"""notify(): once per recipient and event, one INSERT, one audit event, e-mail after commit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hazardloop.audit.models import AuditEvent
from hazardloop.notifications.models import Notification
from hazardloop.notifications.services import notify

MESSAGE = "Hazard “%(title)s” at %(unit)s passed verification."


@pytest.mark.django_db
def test_each_recipient_once_in_a_few_queries(cast, django_capture_on_commit_callbacks, mailoutbox):
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
    # existing + insert + read back + the audit event (3), whatever the number of recipients
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 3
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

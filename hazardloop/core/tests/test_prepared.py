"""Prepared queries, prepared statements and `run_together`: the same rows as the ORM; on
PostgreSQL planned once per connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hazardloop.accounts.models import Membership
from hazardloop.core.prepared import (
    Prepared,
    prepared_cursor,
    prepares,
    run_together,
)
from hazardloop.testing import held_prepared, prepared_statements
from hazardloop.units.models import Unit

MEMBERSHIPS = Prepared(
    lambda user_id: Membership.objects.filter(user_id=user_id, is_active=True).select_related(
        "region", "unit"
    )
)
UNIT = Prepared(lambda pk: Unit.objects.filter(pk=pk))


@pytest.mark.django_db
def test_the_rows_are_the_orms(cast):
    mine = MEMBERSHIPS(cast.unit_manager.pk)
    orm = list(Membership.objects.filter(user=cast.unit_manager, is_active=True))
    assert [m.pk for m in mine] == [m.pk for m in orm]
    assert mine[0].unit.name == cast.unit.name  # the related row came with it
    assert mine[0].region.code == cast.unit.region_id


@pytest.mark.django_db
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "unprepared"])
def test_run_together_gives_each_querys_rows(cast, prepared, monkeypatch):
    """On PostgreSQL in one round trip: the prepared statements in one pipeline (each logged),
    the unprepared ones as one string of statements; one after another elsewhere."""
    raw = (f"SELECT COUNT(*) FROM {Unit._meta.db_table} WHERE id <= %s", [cast.unit.pk])
    pipelines = _count_pipelines(monkeypatch)
    with prepared_statements(prepared), CaptureQueriesContext(connection) as queries:
        memberships, units, none, counted = run_together(
            (MEMBERSHIPS, (cast.unit_manager.pk,)),
            (UNIT, (cast.unit.pk,)),
            (UNIT, (0,)),
            raw,
        )
    postgres = connection.vendor == "postgresql"
    assert len(queries) == (1 if postgres and not prepared else 4)
    assert pipelines == ([1] if postgres and prepared else [])
    assert [m.user_id for m in memberships] == [cast.unit_manager.pk]
    assert [u.pk for u in units] == [cast.unit.pk] and units[0].name == cast.unit.name
    assert none == []
    assert counted == [(Unit.objects.filter(pk__lte=cast.unit.pk).count(),)]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_prepared_cursors_are_planned_once_and_answer_like_the_orm(cast):
    """A Prepared query and a statement on `prepared_cursor` are held prepared from their
    second run; the rows are the ORM's, time zones and all; the ORM's own queries are as
    Django makes them (unprepared)."""
    mark = "hl-test-prepared"
    with prepared_statements(True):
        for _ in range(2):
            found = UNIT(cast.unit.pk)
            with prepared_cursor() as cursor:
                cursor.execute(f"SELECT %s::text AS marked, now() /* {mark} */", [mark])
                marked, at = cursor.fetchone()
            outside = list(Unit.objects.filter(pk=cast.unit.pk, name__icontains=cast.unit.name))
        held = held_prepared()
    assert marked == mark and at.tzinfo is not None
    assert [u.pk for u in found] == [cast.unit.pk] == [u.pk for u in outside]
    assert found[0].created_at == Unit.objects.get(pk=cast.unit.pk).created_at
    assert any(mark in s for s in held)
    assert any('FROM "units_unit"' in s and "$1" in s for s in held)
    assert not any('FROM "units_unit"' in s and "UPPER" in s for s in held)
    with prepared_statements(False):
        assert not prepares()
        with prepared_cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)


def _count_pipelines(monkeypatch) -> list[int]:
    """One entry per psycopg pipeline opened on this database's connection."""
    opened: list[int] = []
    if connection.vendor != "postgresql":
        return opened
    connection.ensure_connection()
    kind = type(connection.connection)
    pipeline = kind.pipeline

    def counted(self, *args, **kwargs):
        opened.append(1)
        return pipeline(self, *args, **kwargs)

    monkeypatch.setattr(kind, "pipeline", counted)
    return opened


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's round trips")
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "unprepared"])
def test_run_together_raises_a_failed_statement_as_djangos_error(cast, prepared):
    from django.db import DataError, transaction

    with prepared_statements(prepared):
        with pytest.raises(DataError), transaction.atomic():
            run_together((UNIT, (cast.unit.pk,)), ("SELECT 1 / (%s::int - 1)", [1]))
        # The connection goes on: the failed statement's transaction was rolled back.
        [units], [(one,)] = run_together((UNIT, (cast.unit.pk,)), ("SELECT %s::int", [1]))
    assert units.pk == cast.unit.pk and one == 1


@pytest.mark.django_db
def test_one_query_runs_alone(cast):
    with CaptureQueriesContext(connection) as queries:
        [units] = run_together((UNIT, (cast.unit.pk,)))
    assert len(queries) == 1 and units[0].pk == cast.unit.pk


@pytest.mark.django_db
def test_insert_one_writes_what_save_writes(cast):
    from django.forms.models import model_to_dict

    from hazardloop.hazards.models import Hazard
    from hazardloop.hazards.tests.helpers import hazard

    made = hazard(cast)  # through the service (insert_one)
    copy = Hazard.objects.get(pk=made.pk)
    copy.pk = None
    copy._state.adding = True
    copy.save(force_insert=True)  # the ORM
    first, second = (model_to_dict(Hazard.objects.get(pk=pk)) for pk in (made.pk, copy.pk))
    first.pop("id"), second.pop("id")
    assert first == second
    assert made._state.adding is False and made.pk


@pytest.mark.django_db
def test_insert_one_fills_auto_now_and_defaults(cast):
    from hazardloop.core.prepared import insert_one
    from hazardloop.notifications.models import Notification

    row = insert_one(Notification(recipient=cast.inspector, key="t:insert", message="m"))
    stored = Notification.objects.get(pk=row.pk)
    assert stored.recipient_id == cast.inspector.pk and stored.created_at is not None
    assert stored.email_attempts == 0 and stored.params == {}


@pytest.mark.parametrize(
    ("url_options", "prepared", "expected"),
    [
        ("", "true", "-c plan_cache_mode=force_generic_plan"),
        (
            "?options=-c%20statement_timeout%3D5000",
            "true",
            "-c statement_timeout=5000 -c plan_cache_mode=force_generic_plan",
        ),
        ("", "false", None),
    ],
)
def test_a_preparing_connection_keeps_one_plan_per_statement(url_options, prepared, expected):
    """With prepared statements on, a PostgreSQL connection starts with
    `plan_cache_mode=force_generic_plan`, after any options the DATABASE_URL gives; with them
    off, neither (settings.py)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(
        os.environ,
        DATABASE_URL="postgres://someone@db.invalid:5432/x" + url_options,
        DB_PREPARED_STATEMENTS=prepared,
        DJANGO_SETTINGS_MODULE="hazardloop.settings",
    )
    script = (
        "from django.conf import settings as s; "
        "print(repr(s.DATABASES['default']['OPTIONS'].get('options')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == repr(expected)


def _psycopg_cursor(wrapper):
    """The psycopg cursor behind Django's wrapper of a `prepared_cursor`."""
    inner = wrapper.cursor
    kept = getattr(inner, "_kept", None)  # a lent kept cursor, else a cursor of its own
    return kept.cursor if kept is not None else inner


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_one_cursor_is_kept_and_lent_to_one_block_at_a_time():
    """Blocks one after another run on the same psycopg cursor; a block opened inside another
    gets its own, and neither disturbs the other's rows; a wrapper given back reads as
    closed and gives nothing back a second time."""
    with prepared_statements(True):
        with prepared_cursor() as first:
            first.execute("SELECT %s::int", [1])
            assert first.fetchone() == (1,)
            kept = _psycopg_cursor(first)
        with prepared_cursor() as second:
            second.execute("SELECT %s::int", [2])
            assert _psycopg_cursor(second) is kept
            with prepared_cursor() as inner:
                inner.execute("SELECT %s::int", [3])
                assert _psycopg_cursor(inner) is not kept
                assert inner.fetchone() == (3,)
            assert second.fetchone() == (2,)  # the outer block's rows are still its own
            with pytest.raises(Exception, match="closed"):
                first.execute("SELECT 1")  # given back: as a closed cursor
            first.close()  # a second time: the kept cursor stays lent to `second`
            with prepared_cursor() as third:
                assert _psycopg_cursor(third) is not kept
        with prepared_cursor() as again:
            again.execute("SELECT %s::int", [4])
            assert again.fetchone() == (4,) and _psycopg_cursor(again) is kept


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_the_kept_cursor_survives_an_error_and_not_a_new_connection():
    """A statement that fails gives the cursor back like any other; a new connection gets a
    cursor of its own (the kept one belonged to the closed one)."""
    with prepared_statements(True):
        with pytest.raises(Exception, match="division by zero"), prepared_cursor() as failing:
            kept = _psycopg_cursor(failing)
            failing.execute("SELECT 1 / %s::int", [0])
        with prepared_cursor() as after:
            after.execute("SELECT %s::int", [5])
            assert after.fetchone() == (5,) and _psycopg_cursor(after) is kept
    connection.close()
    with prepared_statements(True), prepared_cursor() as fresh:
        fresh.execute("SELECT %s::int", [6])
        assert fresh.fetchone() == (6,) and _psycopg_cursor(fresh) is not kept

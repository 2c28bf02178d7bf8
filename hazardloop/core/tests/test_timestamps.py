"""Timestamps read on PostgreSQL (core/postgresql/base.py): the connection reads them with
psycopg's own loader, and every way of reading gives what Django's loader gives — an aware
datetime in UTC, to the microsecond — on the ORM's cursors, the server-side cursor of
`iterator()` and the hot paths' kept prepared cursor; with USE_TZ off, naive local times, as
Django's own backend reads them."""

import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_base
from django.test import override_settings
from django.utils import timezone

from hazardloop.core.postgresql.base import NATIVE_TIMESTAMPTZ_LOADER
from hazardloop.core.prepared import prepared_cursor
from hazardloop.testing import prepared_statements
from hazardloop.units.models import Unit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's timestamp loader"),
]

# 2026-03-04 05:06:07.890123 in Shanghai, written with its offset.
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
WRITTEN = datetime.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=SHANGHAI)
AS_UTC = datetime.datetime(2026, 3, 3, 21, 6, 7, 890123, tzinfo=datetime.UTC)
SQL = "SELECT %s::timestamptz"


def _read_with_djangos_backend(value):
    """The same value read on a connection of Django's own PostgreSQL backend."""
    settings = dict(connection.settings_dict)
    plain = django_base.DatabaseWrapper(settings, alias="djangos_own")
    try:
        with plain.cursor() as cursor:
            cursor.execute(SQL, [value])
            return cursor.fetchone()[0]
    finally:
        plain.close()


def test_the_connection_reads_timestamps_with_psycopgs_compiled_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(
        django_base.TIMESTAMPTZ_OID, django_base.Format.TEXT
    )
    assert loader is NATIVE_TIMESTAMPTZ_LOADER
    # psycopg's binary package is installed (requirements.txt): the loader is its compiled one,
    # not Django's Python subclass.
    assert NATIVE_TIMESTAMPTZ_LOADER.__module__.startswith("psycopg_binary")


def test_every_cursor_reads_what_djangos_backend_reads():
    expected = _read_with_djangos_backend(WRITTEN)
    assert expected == AS_UTC and expected.tzinfo is datetime.UTC

    with connection.cursor() as cursor:
        cursor.execute(SQL, [WRITTEN])
        read = cursor.fetchone()[0]
    assert read == expected and read.tzinfo is datetime.UTC

    for on in (True, False):
        with prepared_statements(on), prepared_cursor() as cursor:
            cursor.execute(SQL, [WRITTEN])
            read = cursor.fetchone()[0]
        assert read == expected and read.tzinfo is datetime.UTC


def test_the_orm_and_a_server_side_cursor_read_the_stored_instant(cast):
    unit = Unit.objects.first()
    Unit.objects.filter(pk=unit.pk).update(updated_at=WRITTEN)
    got = Unit.objects.get(pk=unit.pk).updated_at
    assert got == AS_UTC and got.tzinfo is datetime.UTC
    # iterator() reads through a named (server-side) cursor.
    rows = list(Unit.objects.filter(pk=unit.pk).values_list("updated_at", flat=True).iterator())
    assert rows == [AS_UTC] and rows[0].tzinfo is datetime.UTC
    assert timezone.localtime(got).replace(tzinfo=None) == WRITTEN.replace(tzinfo=None)


@pytest.mark.django_db(transaction=True)
def test_with_use_tz_off_timestamps_are_naive_local_times_as_djangos_backend_reads_them():
    with override_settings(USE_TZ=False):
        expected = _read_with_djangos_backend(WRITTEN)
        assert expected == WRITTEN.replace(tzinfo=None) and expected.tzinfo is None
        with connection.cursor() as cursor:
            cursor.execute(SQL, [WRITTEN])
            assert cursor.fetchone()[0] == expected
        with prepared_statements(True), prepared_cursor() as cursor:
            cursor.execute(SQL, [WRITTEN])
            read = cursor.fetchone()[0]
        assert read == expected and read.tzinfo is None
    # Back in UTC: the kept cursor made for the other time zone is not lent again.
    with prepared_statements(True), prepared_cursor() as cursor:
        cursor.execute(SQL, [WRITTEN])
        assert cursor.fetchone()[0].tzinfo is datetime.UTC

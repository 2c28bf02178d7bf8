"""The PostgreSQL connection's health check (core/postgresql/base.py): a working idle
connection is found usable without a statement sent; one the server ended is found unusable,
and a request after that gets a new connection."""

import time

import pytest
from django.db import close_old_connections, connection, connections
from django.db.backends.postgresql import base

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connections"),
]


def _spare():
    spare = connections.create_connection("default")
    spare.ensure_connection()
    return spare


def test_an_idle_working_connection_is_usable_without_a_round_trip(monkeypatch):
    spare = _spare()
    try:
        opened = []  # Django's check sends its `SELECT 1` on a psycopg cursor of its own
        real = type(spare.connection).cursor
        monkeypatch.setattr(
            type(spare.connection),
            "cursor",
            lambda self, *a, **kw: opened.append(a) or real(self, *a, **kw),
        )
        assert spare.is_usable()
        assert opened == []
        # The same check through Django's own backend asks the server.
        assert base.DatabaseWrapper.is_usable(spare)
        assert len(opened) == 1
    finally:
        monkeypatch.undo()
        spare.close()


def test_a_connection_the_server_ended_is_unusable():
    spare = _spare()
    try:
        pid = spare.connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(50):  # the server's message reaches the socket
            if not spare.is_usable():
                break
            time.sleep(0.02)
        assert not spare.is_usable()
    finally:
        spare.close()


def test_a_request_after_the_server_ended_the_connection_reconnects():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    spare = _spare()
    try:
        with spare.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        time.sleep(0.2)
        close_old_connections()  # what the start of every request does (request_started)
        # The first query of the request runs the health check: a new connection, no error.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        spare.close()

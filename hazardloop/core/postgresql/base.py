"""Django's PostgreSQL backend with a connection health check that costs no round trip, and
timestamps read by psycopg's own compiled loader.

**The health check.** With CONN_HEALTH_CHECKS (settings.py), Django asks a persistent
connection whether it still works before its first query in each request: `SELECT 1`, a round
trip to the server on every request (0.1–0.21 ms of a 4–12 ms API request on one machine,
`bench/hazards/health_check.py`). A server that ends a connection (a restart,
`pg_terminate_backend`, an idle timeout) says so on the socket and closes it: an idle
connection with something to read is one the server has spoken to unasked. So the check looks
at the socket first (about 13–15 µs) and asks the server with `SELECT 1` only then, or when
the connection is already known to be closed or broken. What neither check sees in time, a
silent network cut, still fails the request that meets it, as before.

**Timestamps.** Django reads every `timestamp with time zone` through a Python subclass of
psycopg's loader that parses the text in Python and then replaces its time zone with the
connection's (`psycopg_any.BaseTzLoader`): 7–8 µs a value, against about 0.5 µs for the
compiled loader that psycopg's binary package ships; a ledger page of 20 hazards took 9 % less
CPU with the compiled one (`bench/hazards/timestamps.py`). When Django's time zone for the
connection is UTC (USE_TZ, no TIME_ZONE in DATABASES: always so here), Django has set the
session's TimeZone to UTC before the first query, and psycopg's loader then returns exactly
what Django's does: an aware datetime in `datetime.UTC`. So the connection reads them with
psycopg's loader, and any other time zone (a test that turns USE_TZ off, say) gets Django's
own loader on each cursor, as Django would give it.
"""

import datetime
import select

import psycopg
from django.db.backends.postgresql import base

# psycopg's timestamptz loader for text results, as its global adapters hold it: the compiled
# one when psycopg's binary package is installed (requirements.txt), else its Python one (still
# right, only not faster).
NATIVE_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or getattr(conn, "broken", False):
            return False
        try:
            readable, _writable, _failed = select.select([conn.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if readable:  # the server spoke unasked (closing the connection, most likely): ask it
            return super().is_usable()
        return True

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.adapters.register_loader(base.TIMESTAMPTZ_OID, NATIVE_TIMESTAMPTZ_LOADER)
        return connection

    def create_cursor(self, name=None):
        """Django's `create_cursor`, but for the time zone of the timestamps it reads
        (`match_time_zone`): Django's asks the connection's loader for a `timezone` that
        psycopg's own loader does not have."""
        if name:
            if self.settings_dict["OPTIONS"].get("server_side_binding") is not True:
                cursor = base.ServerSideCursor(
                    self.connection,
                    name=name,
                    scrollable=False,
                    withhold=self.connection.autocommit,
                )
            else:
                cursor = self.connection.cursor(
                    name, scrollable=False, withhold=self.connection.autocommit
                )
        else:
            cursor = self.connection.cursor()
        self.match_time_zone(cursor)
        return cursor

    def match_time_zone(self, cursor) -> None:
        """Have `cursor` (a psycopg cursor of this connection) read timestamps in Django's
        time zone for the connection: psycopg's loader on the connection answers in the
        session's TimeZone, which Django set to UTC when that is its time zone; any other
        (or none, USE_TZ off) gets Django's loader on the cursor."""
        if self.timezone is not datetime.UTC:
            base.register_tzloader(self.timezone, cursor)

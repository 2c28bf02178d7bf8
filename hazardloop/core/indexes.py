"""Indexes a model's Meta cannot declare on every database (PostgreSQL's INCLUDE columns),
created by a migration with CREATE INDEX CONCURRENTLY, so that writes to the table go on while
a large table is indexed. SQLite gets none (its tests and small installations do not need
them)."""

from django.db.migrations.operations.base import Operation


class CreateIndexesConcurrently(Operation):
    """`indexes`: {name: what follows `ON <table>` (columns, INCLUDE, WHERE)}. Reversed by
    dropping them concurrently. The migration must set `atomic = False`."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, table: str, indexes: dict[str, str]):
        self.table = table
        self.indexes = dict(indexes)

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.table, self.indexes], {})

    def state_forwards(self, app_label, state):
        pass  # no model state: the indexes live in the database only

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, definition in self.indexes.items():
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {self.table} {definition}"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in self.indexes:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    def describe(self):
        return f"Create {', '.join(self.indexes)} concurrently on {self.table} (PostgreSQL)"


class DropIndexes(Operation):
    """Drop indexes that another index of the table makes redundant: one that leads with the
    same columns serves every query theirs served, and each is one more index to write with
    every row. Django's own way, `AlterField(db_index=False)` on a foreign key, drops and adds
    the key's constraint again, which checks every row once more under a lock (minutes on a
    province's hazards); this touches the indexes only. Pair it with the model's AlterField in
    `SeparateDatabaseAndState`.

    `indexes`: {name: what follows `ON <table>` to build it again (the columns)}; `postgresql`:
    more of them that only PostgreSQL has (the prefix-search `_like` index Django gives an
    indexed text column there). Dropped concurrently on PostgreSQL (the migration must set
    `atomic = False`), so that writes to the table go on; plainly elsewhere. Reversed by
    building them again."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, table: str, indexes: dict[str, str], postgresql: dict | None = None):
        self.table = table
        self.indexes = dict(indexes)
        self.postgresql = dict(postgresql or {})

    def deconstruct(self):
        kwargs = {"postgresql": self.postgresql} if self.postgresql else {}
        return (self.__class__.__qualname__, [self.table, self.indexes], kwargs)

    def state_forwards(self, app_label, state):
        pass  # the model's state moves with the AlterField beside it

    def _here(self, connection) -> tuple[dict, str]:
        if connection.vendor == "postgresql":
            return {**self.indexes, **self.postgresql}, " CONCURRENTLY"
        return self.indexes, ""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        indexes, how = self._here(schema_editor.connection)
        quote = schema_editor.quote_name
        for name in indexes:
            schema_editor.execute(f"DROP INDEX{how} IF EXISTS {quote(name)}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        indexes, how = self._here(schema_editor.connection)
        quote = schema_editor.quote_name
        for name, definition in indexes.items():
            schema_editor.execute(
                f"CREATE INDEX{how} IF NOT EXISTS {quote(name)} ON {quote(self.table)} {definition}"
            )

    def describe(self):
        names = ", ".join([*self.indexes, *self.postgresql])
        return f"Drop {names} from {self.table}, covered by other indexes"

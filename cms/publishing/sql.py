"""Hand-written SQL for the export's hot queries, for SQLite and PostgreSQL alike.

An incremental run makes a dozen small queries, and the ORM spends several times longer
building them (resolving lookups, joins and expressions, then compiling) than the database
spends running them: most of a one-article export's database time, and more in a fresh process,
where every code path of the ORM runs for the first time. These queries are written once here
instead, from the models' table and column names, and their rows are read through a plain
cursor. The result must be exactly what the ORM query it replaces returns (the tests compare
them): the page facts, for one, are compared as text with those an earlier run stored.

Only what both databases understand the same way is used: ``CAST(… AS text)``, ``COALESCE``,
``||``, ``LIKE … ESCAPE``, ``CASE``, ``ON CONFLICT … DO UPDATE`` (SQLite 3.24+). Values go in as
parameters, adapted as the ORM adapts them (datetimes, uuids).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

Params = list[Any]


def connection() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def fetch_all(sql: str, params: Sequence[Any] = (), *, prepared: bool = False) -> list[tuple]:
    """Every row of ``sql``, as tuples (no model, no per-row conversion).

    ``prepared``: on PostgreSQL, through a statement prepared once per connection and run with
    a generic plan (``_PreparedStatements``), for the incremental run's queries, whose planning
    takes longer than running them. ``settings.EXPORT_PREPARED_STATEMENTS = False`` turns it
    off (behind a pooler that does not keep a session's state, such as PgBouncer's transaction
    mode).
    """
    database = connection()
    statements = _PreparedStatements.of(database) if prepared else None
    with database.cursor() as cursor:
        if statements is None:
            cursor.execute(sql, params)
            return cursor.fetchall()
        query, name = statements.query(sql, len(params))
        try:
            cursor.execute(query, params)
        except Exception:
            statements.give_up(name)  # it may or may not exist now: never prepared again
            raise
        while cursor.description is None and cursor.nextset():
            pass  # past the PREPARE (and the setting) to the rows
        statements.prepared(name)
        return cursor.fetchall()


class _PreparedStatements:
    """The statements this module prepared on one PostgreSQL connection.

    A statement is prepared with its first run, in the same round trip (``PREPARE name AS
    …; EXECUTE name(…)``), and named after its text. The connection plans prepared statements
    once, generically (``plan_cache_mode``, which only prepared statements follow): the
    incremental run's queries have the same shapes run after run, and PostgreSQL spent longer
    planning them than running them. A new connection (Django reconnects) starts over.
    """

    LIMIT = 200  # statements per connection; past it, queries run unprepared

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.names: set[str] = set()
        self.refused: set[str] = set()

    @classmethod
    def of(cls, database: BaseDatabaseWrapper) -> _PreparedStatements | None:
        if database.vendor != "postgresql" or not getattr(
            settings, "EXPORT_PREPARED_STATEMENTS", True
        ):
            return None
        database.ensure_connection()
        statements = getattr(database, "_export_statements", None)
        if statements is None or statements.raw is not database.connection:
            statements = cls(database.connection)
            database._export_statements = statements  # type: ignore[attr-defined]
        return statements

    def query(self, sql: str, count: int) -> tuple[str, str | None]:
        """What to run for ``sql`` with ``count`` parameters, and the name it prepares."""
        name = "export_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
        arguments = f"({', '.join(['%s'] * count)})" if count else ""
        if name in self.names:
            return f"EXECUTE {name}{arguments}", None
        if name in self.refused or len(self.names) >= self.LIMIT or "%%" in sql:
            return sql, None
        numbers = iter(range(1, count + 1))
        numbered = re.sub("%s", lambda _match: f"${next(numbers)}", sql)
        setting = "" if self.names else "SET plan_cache_mode = force_generic_plan; "
        return f"{setting}PREPARE {name} AS {numbered}; EXECUTE {name}{arguments}", name

    def prepared(self, name: str | None) -> None:
        if name is not None:
            self.names.add(name)

    def give_up(self, name: str | None) -> None:
        if name is not None:
            self.refused.add(name)


def stream(sql: str, params: Sequence[Any], chunk_size: int) -> Iterator[tuple]:
    """Every row of ``sql``, read ``chunk_size`` at a time (a server-side cursor where the
    database has one), for queries whose rows should not all be in memory at once."""
    with connection().chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


def datetime_param(value: datetime) -> Any:
    """A datetime as the ORM passes it (SQLite: naive UTC text; PostgreSQL: as is)."""
    return connection().ops.adapt_datetimefield_value(value)


def aware(value: datetime | None) -> datetime | None:
    """A datetime column's value as the ORM returns it: aware (SQLite's cursor gives it naive)."""
    if value is None or value.tzinfo is not None:
        return value
    return timezone.make_aware(value, connection().timezone)


def uuid_param(key: str | UUID) -> Any:
    """A translation key as the ORM passes it (SQLite stores 32 hex digits, PostgreSQL a uuid)."""
    value = key if isinstance(key, UUID) else UUID(key)
    return value if connection().features.has_native_uuid_field else value.hex


def startswith_param(prefix: str) -> str:
    """A ``LIKE`` pattern for text starting with ``prefix`` (its wildcards escaped)."""
    return connection().ops.prep_for_like_query(prefix) + "%"


def tab() -> str:
    """A tab character in SQL (``char(9)`` in SQLite, ``chr(9)`` in PostgreSQL)."""
    return "chr(9)" if connection().vendor == "postgresql" else "char(9)"


def in_list(column: str, values: Iterable[Any]) -> tuple[str, Params]:
    """``column IN (%s, …)``; a condition that is never true for no values (``IN ()`` is not
    SQL every database takes)."""
    params = list(values)
    if not params:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(params))})", params


def visible(
    alias: str, now: datetime, restricted_paths: Iterable[str], *, by_index: bool = False
) -> tuple[str, Params]:
    """``directory.visible_pages_filter`` for the page table under ``alias``.

    Live, not expired, and neither the page nor an ancestor has a view restriction.
    ``by_index``: with the live test written as the partial index ``publishing_page_visibility``
    (migration 0003) states it, the bare column, for the queries that index is for: SQLite
    uses a partial index only for a query whose conditions hold the index's own, so the other
    queries, which test ``live = %s``, never pick it (planning without statistics, it would
    choose it over their index on the translation key).
    """
    live, params = (f"{alias}.live", []) if by_index else (f"{alias}.live = %s", [True])
    sql = f"{live} AND ({alias}.expire_at IS NULL OR {alias}.expire_at > %s)"
    params.append(datetime_param(now))
    for path in restricted_paths:
        sql += f" AND NOT ({alias}.path LIKE %s ESCAPE '\\')"
        params.append(startswith_param(path))
    return sql, params


def in_groups(alias: str, keys: Iterable[str], page_ids: Iterable[int]) -> tuple[str, Params]:
    """The pages under ``alias`` in the translation groups of ``keys`` or of ``page_ids``.

    One IN over a subquery, not two INs ORed: PostgreSQL plans the OR as a scan of every page,
    the subquery as two index lookups.
    """
    by_key, key_params = in_list("u.translation_key", map(uuid_param, sorted(keys)))
    by_id, id_params = in_list("u.id", sorted(page_ids))
    condition = (
        f"{alias}.translation_key IN (SELECT u.translation_key FROM wagtailcore_page u"
        f" WHERE {by_key} OR {by_id})"
    )
    return condition, key_params + id_params

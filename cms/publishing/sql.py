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

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

Params = list[Any]


def connection() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def fetch_all(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Every row of ``sql``, as tuples (no model, no per-row conversion)."""
    with connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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

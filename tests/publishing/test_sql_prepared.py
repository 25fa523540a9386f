"""PostgreSQL: the incremental run's queries as statements prepared once per connection."""

import pytest
from django.db import connection, transaction

from cms.publishing import sql

QUERY = (
    "SELECT p.id, p.slug FROM wagtailcore_page p WHERE p.depth >= %s AND p.id > %s ORDER BY p.id"
)


@pytest.fixture
def sent(db):
    """The SQL text of every statement sent, as the connection received it, on a connection
    with nothing prepared yet (tests share connections)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        connection.connection.execute("DEALLOCATE ALL")
    connection._export_statements = None
    texts = []

    def record(execute, sql_text, params, many, context):
        texts.append(sql_text)
        return execute(sql_text, params, many, context)

    with connection.execute_wrapper(record):
        yield texts


@pytest.mark.django_db
def test_a_prepared_query_returns_what_the_query_returns_and_is_prepared_once(ko_home, sent):
    plain = sql.fetch_all(QUERY, [1, 0])
    first = sql.fetch_all(QUERY, [1, 0], prepared=True)
    again = sql.fetch_all(QUERY, [2, 0], prepared=True)

    assert first == plain
    assert again == [row for row in plain if row != plain[0]]  # the root is the only depth 1
    if connection.vendor != "postgresql":
        assert sent == [QUERY, QUERY, QUERY]  # SQLite: run as written
        return
    assert sent[1].count("PREPARE ") == 1 and "$1" in sent[1] and "$2" in sent[1]
    assert sent[2].startswith("EXECUTE export_")  # the plan is the connection's now


@pytest.mark.django_db
def test_a_new_connection_prepares_again(ko_home, sent):
    if connection.vendor != "postgresql":
        pytest.skip("statements are prepared on PostgreSQL only")
    sql.fetch_all(QUERY, [1, 0], prepared=True)
    connection.connection.execute("DEALLOCATE ALL")  # as a new session would have nothing
    connection._export_statements.raw = object()  # and Django a new connection
    assert sql.fetch_all(QUERY, [1, 0], prepared=True) == sql.fetch_all(QUERY, [1, 0])
    assert "PREPARE " in sent[-2]


@pytest.mark.django_db
def test_without_prepared_statements_the_query_runs_as_written(ko_home, sent, settings):
    settings.EXPORT_PREPARED_STATEMENTS = False
    sql.fetch_all(QUERY, [1, 0], prepared=True)
    assert sent == [QUERY]


@pytest.mark.django_db
def test_a_query_that_fails_prepared_is_never_prepared_again(sent):
    if connection.vendor != "postgresql":
        pytest.skip("statements are prepared on PostgreSQL only")
    broken = "SELECT p.id FROM wagtailcore_page p WHERE p.no_such_column = %s"
    for _attempt in range(2):
        with pytest.raises(Exception, match="no_such_column"), transaction.atomic():
            sql.fetch_all(broken, [1], prepared=True)
    tried = [text for text in sent if "no_such_column" in text]  # savepoints aside
    assert "PREPARE " in tried[0] and tried[1] == broken

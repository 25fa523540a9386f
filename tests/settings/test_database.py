"""Database settings: SQLite set up for an editor and the task worker writing at once."""

from cms.settings.base import database


def test_sqlite_uses_write_ahead_logging_and_takes_the_write_lock_when_a_transaction_begins(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database(tmp_path / "db.sqlite3")
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    assert config["OPTIONS"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
    }


def test_postgresql_is_left_as_the_url_says(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic")
    config = database(tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in config.get("OPTIONS", {})

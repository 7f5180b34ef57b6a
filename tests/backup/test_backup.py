"""`flask backup create/check/restore`: a backup taken while writes go on restores to a consistent
database the app works on; restore refuses files that are not a backup of this portal."""
import sqlite3
import stat
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import insert, select

from wijkmakers import create_app
from wijkmakers.auth.models import User
from wijkmakers.backup import backups
from wijkmakers.core.errors import DomainError
from wijkmakers.extensions import db

from ..conftest import _test_config, login


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _backup(runner, *args, **kwargs):
    return runner.invoke(args=["backup", *args], **kwargs)


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def pg_tools(app):
    """On PostgreSQL the tests need pg_dump/pg_restore; skip (with the reason) only if they are missing."""
    if _is_postgres():
        try:
            backups.find_pg_tool("pg_dump")
            backups.find_pg_tool("pg_restore")
        except DomainError as exc:
            pytest.skip(f"PostgreSQL client programs missing: {exc}")


def _emails() -> set[str]:
    db.session.remove()
    return set(db.session.scalars(select(User.email)))


def test_backup_during_writes_restores_consistently(app, client, make, runner, tmp_path, pg_tools):
    # Enough rows that copying them takes a moment, all committed before the backup starts.
    db.session.execute(insert(User), [{"email": f"voor{i}@example.org", "name": f"Voor {i}", "kind": "bewoner"}
                                      for i in range(3000)])
    db.session.commit()
    written, errors = [], []
    writing, stop = threading.Event(), threading.Event()

    def writer():
        try:
            with app.app_context():
                n = 0
                while not stop.is_set() and n < 5000:
                    db.session.add(User(email=f"tijdens{n}@example.org", name=f"Tijdens {n}", kind="bewoner"))
                    db.session.commit()
                    written.append(n)
                    n += 1
                    if n == 5:
                        writing.set()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
            writing.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(60), "the writer did not start"
    committed_before = len(written)
    target = tmp_path / "backups" / "wijkmakers.backup"
    created = _backup(runner, "create", str(target))
    stop.set()
    thread.join(60)
    assert errors == [] and created.exit_code == 0, created.output
    assert "Back-up gemaakt" in created.output and target.is_file()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # personal data: owner only
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no half-written leftovers

    if not _is_postgres():
        copy = sqlite3.connect(target)
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        copy.close()
    checked = _backup(runner, "check", str(target))
    assert checked.exit_code == 0 and "In orde" in checked.output

    make.user(email="na-de-backup@example.org")
    restored = _backup(runner, "restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "Back-up teruggezet" in restored.output and "Veiligheidskopie" in restored.output

    emails = _emails()
    assert {f"voor{i}@example.org" for i in range(3000)} <= emails
    assert "na-de-backup@example.org" not in emails
    during = sorted(int(e[len("tijdens"):].split("@")[0]) for e in emails if e.startswith("tijdens"))
    # One snapshot: everything committed before the backup started, then a gap-free prefix of the rest.
    assert len(during) >= committed_before
    assert during == list(range(len(during)))
    if not _is_postgres():
        assert db.session.execute(db.text("PRAGMA integrity_check")).scalar() == "ok"

    # The app works on the restored database: new rows (sequences restored on PostgreSQL), pages.
    admin = make.user(roles=("beheerder",), email="nieuw@example.org")
    login(client, admin)
    assert client.get("/").status_code == 200
    assert client.get("/beheer/gebruikers?q=voor1").status_code == 200

    # The safety copy holds the database as it was just before the restore.
    (safety,) = [p for p in target.parent.iterdir() if p.name.startswith("voor-herstel-")]
    assert _backup(runner, "check", str(safety)).exit_code == 0
    if not _is_postgres():
        kept = sqlite3.connect(safety)
        assert kept.execute("SELECT count(*) FROM user WHERE email = 'na-de-backup@example.org'").fetchone()[0] == 1
        kept.close()


def test_restore_asks_for_confirmation(app, make, runner, tmp_path, pg_tools):
    target = tmp_path / "b.backup"
    assert _backup(runner, "create", str(target)).exit_code == 0
    make.user(email="blijft@example.org")
    answer = _backup(runner, "restore", str(target), input="n\n")
    assert answer.exit_code == 1 and "Alle gegevens in" in answer.output and "Aborted" in answer.output
    assert "blijft@example.org" in _emails()


def test_restore_refuses_a_file_that_is_not_a_backup(app, make, runner, tmp_path):
    make.user(email="blijft@example.org")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"dit is geen database" * 10)
    result = _backup(runner, "restore", str(junk), "--yes")
    assert result.exit_code == 1
    assert "geen SQLite-database" in result.output or "geen back-up van pg_dump" in result.output
    missing = _backup(runner, "restore", str(tmp_path / "bestaat-niet.backup"), "--yes")
    assert missing.exit_code == 1 and "bestaat niet" in missing.output
    assert "blijft@example.org" in _emails()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("voor-herstel")) == []


def test_restore_refuses_a_database_of_something_else(app, make, runner, tmp_path, pg_tools):
    make.user(email="blijft@example.org")
    other = tmp_path / "ander.backup"
    if _is_postgres():
        url, env = backups.libpq_url()
        backups._run([backups.find_pg_tool("pg_dump"), "--format=custom", "--table", "outbox_message",
                       "--file", str(other), "--dbname", url], env).check_returncode()
    else:
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE boodschappen (id INTEGER PRIMARY KEY, wat TEXT)")
        conn.commit()
        conn.close()
    result = _backup(runner, "restore", str(other), "--yes")
    assert result.exit_code == 1 and "niet van dit portaal" in result.output and "'user' ontbreekt" in result.output
    assert "blijft@example.org" in _emails()


def test_restore_on_postgres_refuses_while_the_app_is_still_connected(app, make, runner, tmp_path, pg_tools):
    if not _is_postgres():
        pytest.skip("PostgreSQL only: SQLite cannot tell who else has the file open")
    target = tmp_path / "b.backup"
    assert _backup(runner, "create", str(target)).exit_code == 0
    make.user(email="blijft@example.org")
    running_app = sa.create_engine(db.engine.url, connect_args={"application_name": "wijkmakers-web"})
    with running_app.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        conn.commit()
        refused = _backup(runner, "restore", str(target), "--yes")
        assert refused.exit_code == 1
        assert "1 andere verbindingen" in refused.output and "wijkmakers-web" in refused.output
        assert "er is niets veranderd" in refused.output
        assert not list(tmp_path.glob("voor-herstel-*"))  # refused before anything was done
        assert "blijft@example.org" in _emails()
        # An idle connection holds no locks: the operator may go ahead knowingly.
        forced = _backup(runner, "restore", str(target), "--yes", "--ignore-connections")
        assert forced.exit_code == 0, forced.output
    running_app.dispose()
    assert "blijft@example.org" not in _emails()


def test_restore_refuses_the_live_database_itself(app, runner):
    if _is_postgres():
        pytest.skip("SQLite only: PostgreSQL has no database file")
    result = _backup(runner, "restore", db.engine.url.database, "--yes", "--no-safety-copy")
    assert result.exit_code == 1 and "de database zelf" in result.output


def test_create_does_not_overwrite_unless_asked(app, runner, tmp_path, pg_tools):
    target = tmp_path / "b.backup"
    target.write_text("oud")
    refused = _backup(runner, "create", str(target))
    assert refused.exit_code == 1 and "bestaat al" in refused.output and target.read_text() == "oud"
    assert _backup(runner, "create", str(target), "--overwrite").exit_code == 0
    assert _backup(runner, "check", str(target)).exit_code == 0
    folder = _backup(runner, "create", str(tmp_path))
    assert folder.exit_code != 0


def test_restore_into_an_empty_sqlite_database(tmp_path, app, make, runner):
    """Disaster recovery: a new machine, no database yet, only the backup."""
    if _is_postgres():
        pytest.skip("SQLite only: restoring into a fresh PostgreSQL database is covered by pg_restore --clean")
    make.user(email="bewaard@example.org")
    target = tmp_path / "b.backup"
    assert _backup(runner, "create", str(target)).exit_code == 0
    new_file = tmp_path / "nieuw" / "wijkmakers.sqlite"
    fresh = create_app(_test_config(f"sqlite:///{new_file}"))
    with fresh.app_context():  # the command runs in the current app context: make it the new one
        result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output
        assert "Veiligheidskopie" not in result.output  # nothing to keep
        db.session.remove()
        assert "bewaard@example.org" in set(db.session.scalars(select(User.email)))
        assert db.engine.url.database == str(new_file)
        db.session.remove()
        db.engine.dispose()


def test_libpq_url_has_no_driver_and_no_password():
    assert backups.to_libpq("postgresql+psycopg://portaal:ge%40heim@db.example:6543/wijk?sslmode=require") == (
        "postgresql://portaal@db.example:6543/wijk?sslmode=require", "ge@heim")
    assert backups.to_libpq("postgresql+psycopg://portaal@127.0.0.1/wijk") == (
        "postgresql://portaal@127.0.0.1/wijk", None)


def _fake_tool(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_pg_tools_match_the_server_version(app, tmp_path, monkeypatch):
    for version in ("13", "15", "16"):
        _fake_tool(tmp_path / version / "bin" / "pg_dump")
    monkeypatch.setattr(backups, "PG_LIB_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("PG_BIN_DIR", raising=False)
    for server, expected in ((15, "15"), (16, "16"), (14, "15")):
        monkeypatch.setattr(backups, "_pg_server_major", lambda server=server: server)
        assert backups.find_pg_tool("pg_dump") == str(tmp_path / expected / "bin" / "pg_dump")
    _fake_tool(tmp_path / "eigen" / "pg_dump")
    app.config["PG_BIN_DIR"] = str(tmp_path / "eigen")
    assert backups.find_pg_tool("pg_dump") == str(tmp_path / "eigen" / "pg_dump")


def test_missing_pg_tools_give_a_clear_error(app, tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "PG_LIB_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("PG_BIN_DIR", raising=False)
    monkeypatch.setattr(backups, "_pg_server_major", lambda: 15)
    with pytest.raises(DomainError, match="pg_dump is niet gevonden.*postgresql-client-15.*PG_BIN_DIR"):
        backups.find_pg_tool("pg_dump")
    if _is_postgres():
        result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "b.backup")])
        assert result.exit_code == 1 and "pg_dump is niet gevonden" in result.output


def test_help_is_dutch(runner):
    for command in ("create", "restore", "check"):
        result = _backup(runner, command, "--help")
        assert result.exit_code == 0
    assert "Stop eerst de app-servers" in _backup(runner, "restore", "--help").output
    assert "Mag terwijl het portaal draait" in _backup(runner, "create", "--help").output


def test_errors_never_show_the_database_password(app, monkeypatch):
    monkeypatch.setattr(type(db.engine.url), "password", property(lambda self: "s3cr3t"), raising=False)
    assert "s3cr3t" not in backups._scrub("FATAL: password s3cr3t rejected")

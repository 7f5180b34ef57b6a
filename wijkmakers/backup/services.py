"""Backups that stay consistent while the portal keeps writing."""
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with an argument list, no shell
from pathlib import Path

from sqlalchemy.engine import make_url

from ..extensions import db

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/bin")


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why, in Dutch."""


def _sqlite_path() -> Path:
    return Path(db.engine.url.database)


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next((str(Path(d) / name) for d in PG_BIN_DIRS if (Path(d) / name).exists()), None)
    if not found:
        raise BackupError(f"{name} is niet gevonden; installeer de PostgreSQL-clientprogramma's.")
    return found


def _pg_args() -> tuple[list[str], dict]:
    url = make_url(str(db.engine.url))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--username", url.username or "",
            "--dbname", url.database]
    return args, env


def create_backup(target: str | Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.engine.dialect.name == "sqlite":
        # SQLite's online backup copies a consistent snapshot while other connections write.
        source = sqlite3.connect(_sqlite_path())
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        return target
    args, env = _pg_args()
    subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--file", str(target), *args],  # noqa: S603
                   env=env, check=True, capture_output=True)
    return target


def _check_sqlite_backup(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is geen geldige SQLite-database.") from exc
    if ok != "ok" or "user" not in tables:
        raise BackupError(f"{path} is geen complete back-up van het portaal.")


def restore_backup(source: str | Path) -> None:
    """Replace the current database with a backup. Stop the app servers first."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} bestaat niet.")
    if db.engine.dialect.name == "sqlite":
        _check_sqlite_backup(source)
        db.session.remove()
        db.engine.dispose()
        backup = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path())
        try:
            backup.backup(live)
        finally:
            live.close()
            backup.close()
        return
    db.session.remove()
    db.engine.dispose()
    args, env = _pg_args()
    result = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", *args, str(source)],  # noqa: S603
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore meldde een fout: {result.stderr.strip()[:400]}")

"""Backups that stay consistent while the portal keeps writing, and restoring them.

SQLite: the online backup API copies one consistent snapshot of the live database file while other
connections go on writing (WAL mode), into a single self-contained file.
PostgreSQL: ``pg_dump --format=custom`` (one snapshot, taken in a repeatable-read transaction) and
``pg_restore --clean --if-exists --no-owner`` in one transaction, with the settings of DATABASE_URL.

Restoring replaces every row: stop the app servers (and the outbox sender) first. Before it replaces
anything, a restore checks that the file is a backup of this portal and keeps a safety copy of the
current database next to the backup file, unless told not to.

When a backup or restore cannot be done, a ``DomainError`` says why and what to do, in Dutch (the
command shows it as its error message).

Every backup is written under a temporary name and renamed when complete, so a half-written file
never looks like a backup.
"""
import glob
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore run with an argument list, never through a shell
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from ..core.errors import DomainError
from ..core.timeutil import to_local, utcnow
from ..extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
REQUIRED_TABLE = "user"  # every portal database has it; a file without it is not our backup
PG_LIB_DIR = "/usr/lib/postgresql"


@dataclass
class BackupInfo:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    size: int
    revision: str | None = None  # the Alembic revision inside, when it could be read


def database_kind() -> str:
    kind = db.engine.dialect.name
    if kind not in ("sqlite", "postgresql"):
        raise DomainError(f"Back-ups van een {kind}-database worden niet ondersteund.")
    return kind


def describe_database() -> str:
    """The current database for people: file path or host/name, never the password."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite-bestand {url.database}"
    return f"PostgreSQL-database {url.database} op {url.host or 'localhost'}:{url.port or 5432}"


def _stamp() -> str:
    return to_local(utcnow()).strftime("%Y%m%d-%H%M%S")


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.deel")


# -- SQLite -----------------------------------------------------------------------------------------

def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise DomainError("Deze SQLite-database staat alleen in het geheugen; daar is geen back-up van te maken.")
    return Path(database).resolve()


def _sqlite_backup(source: Path, target: Path) -> None:
    live = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): a single read transaction, so one consistent snapshot; in WAL mode
        # writers carry on meanwhile.
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DomainError("De gemaakte kopie is niet in orde; probeer het opnieuw.")
    finally:
        copy.close()
        live.close()


def _inspect_sqlite(path: Path) -> BackupInfo:
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise DomainError(f"{path} is geen SQLite-database en dus geen back-up van dit portaal.")
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
                if "alembic_version" in tables else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"{path} is geen leesbare SQLite-database ({exc}).") from exc
    if check != "ok":
        raise DomainError(f"{path} is beschadigd (integriteitscontrole: {check[:200]}).")
    if REQUIRED_TABLE not in tables:
        raise DomainError(f"{path} is een SQLite-database, maar niet van dit portaal (de tabel "
                          f"'{REQUIRED_TABLE}' ontbreekt).")
    return BackupInfo(path=path, kind="sqlite", size=path.stat().st_size, revision=revision)


def _sqlite_has_data(path: Path) -> bool:
    """Is there a portal database at ``path`` worth a safety copy (not a new, empty file)?"""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (REQUIRED_TABLE,)).fetchone()[0] == 1
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True  # unreadable: keep it anyway, it may matter to someone


def _restore_sqlite(source: Path) -> None:
    live = _sqlite_path()
    if live == source.resolve():
        raise DomainError("Dat bestand is de database zelf; kies een back-upbestand.")
    live.parent.mkdir(parents=True, exist_ok=True)
    db.session.remove()
    db.engine.dispose()
    backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        # The backup API writes through SQLite's own locking and journal, so the live file (and its
        # WAL) stays a valid database even if the restore is interrupted.
        backup.backup(target)
    except sqlite3.Error as exc:
        raise DomainError(f"Terugzetten mislukt: {exc}. Draait het portaal nog? Stop het eerst.") from exc
    finally:
        target.close()
        backup.close()


# -- PostgreSQL -------------------------------------------------------------------------------------

def _pg_server_major() -> int | None:
    try:
        return int(db.session.execute(text("SHOW server_version_num")).scalar()) // 10000
    except Exception:  # noqa: BLE001 - only a hint for choosing the client version
        return None
    finally:
        db.session.remove()  # closes the session, which also rolls back a failed statement


def find_pg_tool(name: str) -> str:
    """pg_dump/pg_restore: PG_BIN_DIR if set, else the version matching the server, else PATH."""
    major = _pg_server_major()
    candidates = []
    configured = current_app.config.get("PG_BIN_DIR") or os.environ.get("PG_BIN_DIR")
    if configured:
        candidates.append(Path(configured) / name)
    versions = sorted(int(v) for v in (Path(p).parent.name for p in glob.glob(f"{PG_LIB_DIR}/*/bin"))
                      if v.isdigit())
    if major is not None:
        # The same major version as the server, else the nearest newer one (an older one refuses).
        versions = [v for v in versions if v == major] + [v for v in versions if v > major]
    else:
        versions = list(reversed(versions))
    candidates += [Path(PG_LIB_DIR) / str(v) / "bin" / name for v in versions]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    package = f"postgresql-client-{major}" if major else "postgresql-client"
    raise DomainError(f"{name} is niet gevonden. Installeer de PostgreSQL-clientprogramma's (Debian: "
                      f"apt-get install {package}) of zet PG_BIN_DIR op de map waarin {name} staat.")


def to_libpq(url: str | URL) -> tuple[str, str | None]:
    """A SQLAlchemy URL (postgresql+psycopg://...) as a libpq URL without the password, and the password."""
    url = make_url(url) if isinstance(url, str) else url
    password = None if url.password is None else str(url.password)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)
    return plain.render_as_string(hide_password=False), password


def libpq_url() -> tuple[str, dict]:
    """DATABASE_URL as libpq understands it, and an environment that carries the password, so it never
    appears on a command line (visible in ps) or in an error message."""
    url, password = to_libpq(db.engine.url)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    return url, env


def _scrub(message: str) -> str:
    password = db.engine.url.password
    if password:
        message = message.replace(str(password), "***")
    return " ".join(message.split())[:600]


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)  # noqa: S603


def _pg_dump(target: Path) -> None:
    url, env = libpq_url()
    result = _run([find_pg_tool("pg_dump"), "--format=custom", "--no-password", "--file", str(target),
                   "--dbname", url], env)
    if result.returncode != 0:
        raise DomainError(f"pg_dump meldde een fout: {_scrub(result.stderr)}")


def _inspect_pg(path: Path) -> BackupInfo:
    with path.open("rb") as handle:
        if handle.read(len(PG_DUMP_MAGIC)) != PG_DUMP_MAGIC:
            raise DomainError(f"{path} is geen back-up van pg_dump (--format=custom) en dus geen back-up "
                              "van dit portaal.")
    _url, env = libpq_url()
    listing = _run([find_pg_tool("pg_restore"), "--list", str(path)], env)
    if listing.returncode != 0:
        raise DomainError(f"{path} is niet leesbaar voor pg_restore: {_scrub(listing.stderr)}")
    if not re.search(rf'^\d+; \d+ \d+ TABLE \S+ "?{REQUIRED_TABLE}"? ', listing.stdout, re.MULTILINE):
        raise DomainError(f"{path} is een PostgreSQL-back-up, maar niet van dit portaal (de tabel "
                          f"'{REQUIRED_TABLE}' ontbreekt).")
    return BackupInfo(path=path, kind="postgresql", size=path.stat().st_size)


def other_connections() -> list[str]:
    """Other sessions on the PostgreSQL database (app servers, the outbox sender, psql...)."""
    db.session.remove()
    db.engine.dispose()  # our own idle pooled connections are not "others"
    try:
        rows = db.session.execute(text(
            "SELECT coalesce(nullif(application_name, ''), backend_type, '?'), "
            "coalesce(host(client_addr), 'lokaal') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()
    finally:
        db.session.remove()
        db.engine.dispose()
    return [f"{name} ({address})" for name, address in rows]


def _refuse_while_in_use() -> None:
    # pg_restore sets lock_timeout to 0 itself, so it would wait for a running app for ever: refuse instead.
    others = other_connections()
    if others:
        raise DomainError(f"Er zijn nog {len(others)} andere verbindingen met de database: "
                          f"{', '.join(sorted(set(others))[:5])}. Stop eerst de app-servers en de verzender; "
                          "er is niets veranderd.")


def _restore_pg(source: Path) -> None:
    tool = find_pg_tool("pg_restore")
    url, env = libpq_url()
    db.session.remove()
    db.engine.dispose()
    # One transaction: either the whole backup is in, or nothing changed.
    result = _run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password",
                   "--dbname", url, str(source)], env)
    if result.returncode != 0:
        raise DomainError(f"pg_restore meldde een fout; er is niets veranderd: {_scrub(result.stderr)}")


# -- the operations ---------------------------------------------------------------------------------

def create_backup(target: str | os.PathLike, overwrite: bool = False) -> BackupInfo:
    """Write a consistent backup of the live database to ``target``; safe while the portal runs."""
    kind = database_kind()
    target = Path(target).expanduser().resolve()
    if target.is_dir():
        raise DomainError(f"{target} is een map; geef een bestandsnaam, bijvoorbeeld {target / 'wijkmakers.backup'}.")
    if target.exists() and not overwrite:
        raise DomainError(f"{target} bestaat al. Kies een andere naam of gebruik --overwrite.")
    if kind == "sqlite":
        source = _sqlite_path()
        if not source.exists():
            raise DomainError(f"De database {source} bestaat (nog) niet.")
        if source == target:
            raise DomainError("Dat is de database zelf; kies een ander bestand voor de back-up.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(target)
    # Backups hold personal data and password hashes: readable by the owner only, from the first byte.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if kind == "sqlite":
            _sqlite_backup(source, partial)
        else:
            _pg_dump(partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise DomainError(f"Back-up mislukt: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(path=target, kind=kind, size=target.stat().st_size)


def inspect_backup(path: str | os.PathLike) -> BackupInfo:
    """Check that ``path`` is a readable backup of this portal, for the current kind of database."""
    kind = database_kind()
    path = Path(path).expanduser()
    if not path.is_file():
        raise DomainError(f"{path} bestaat niet of is geen bestand.")
    return _inspect_sqlite(path) if kind == "sqlite" else _inspect_pg(path)


def safety_copy_path(source: str | os.PathLike) -> Path:
    suffix = ".sqlite" if database_kind() == "sqlite" else ".dump"
    return Path(source).expanduser().resolve().parent / f"voor-herstel-{_stamp()}{suffix}"


def restore_backup(source: str | os.PathLike, safety_copy: bool = True,
                   ignore_connections: bool = False) -> Path | None:
    """Replace the whole database with the backup in ``source``. Stop the app servers first.

    Returns the path of the safety copy of the database as it was, if one was made.
    """
    info = inspect_backup(source)
    if info.kind == "postgresql" and not ignore_connections:
        _refuse_while_in_use()
    kept = None
    if safety_copy and (info.kind == "postgresql" or _sqlite_has_data(_sqlite_path())):
        kept = create_backup(safety_copy_path(source)).path
    if info.kind == "sqlite":
        _restore_sqlite(info.path)
    else:
        _restore_pg(info.path)
    return kept

"""A backup taken while writes go on restores to a consistent database."""
import threading

from sqlalchemy import func, select

from wijkmakers.auth.models import User
from wijkmakers.extensions import db


def test_backup_during_writes_restores_consistently(app, make, tmp_path):
    for i in range(20):
        make.user(email=f"voor{i}@example.org", commit=False)
    db.session.commit()
    stop = threading.Event()
    written = []

    def writer():
        with app.app_context():
            n = 0
            while not stop.is_set() and n < 400:
                db.session.add(User(email=f"tijdens{n}@example.org", name=f"Tijdens {n}"))
                db.session.commit()
                written.append(n)
                n += 1
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 5:
        pass  # wait until writes are going on
    runner = app.test_cli_runner()
    target = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", "create", str(target)])
    stop.set()
    thread.join()
    assert result.exit_code == 0, result.output
    total_after_writes = db.session.scalar(select(func.count()).select_from(User))
    assert total_after_writes >= 25

    restored = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    emails = set(db.session.scalars(select(User.email)))
    assert {f"voor{i}@example.org" for i in range(20)} <= emails
    during = sorted(int(e[len("tijdens"):].split("@")[0]) for e in emails if e.startswith("tijdens"))
    # a snapshot: some prefix of the writes, no gaps, nothing half-written
    assert during == list(range(len(during)))
    assert len(emails) < total_after_writes or len(during) == len(written)


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"dit is geen database")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(junk), "--yes"])
    assert result.exit_code != 0
    if db.engine.dialect.name == "sqlite":
        assert "geen geldige" in result.output or "geen complete" in result.output

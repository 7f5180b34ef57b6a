"""Reporting benchmark: the statistics page and the person-level XLSX export on the scale-50 demo.

    .venv/bin/python benchmarks/reporting_bench.py [--scale 50] [--requests 40] [--rebuild]

The database is built once (``flask demo load --scale N`` through the same code) into
benchmarks/out/reporting-scale<N>.sqlite and reused while the models stay the same (a fingerprint of
the schema is kept next to it). Requests go through the Flask test client in-process, logged in as
the demo coordinator. Printed: p50/p95 of the statistics page with the figure cache off (every
request computes everything) and on (the normal configuration), the XLSX export time, and its peak
memory (tracemalloc, in a separate run because tracing slows Python down).
Targets: statistics page p95 < 150 ms, XLSX export of all participations < 3 s.

``--with-indexes`` runs on a copy of the database with the indexes the reporting queries would like
(SUGGESTED_INDEXES; they belong in activities/models.py, which this feature does not own).
Wall-clock times depend on what else runs on the machine: the CPU time of this process and the load
average are printed too.
"""
import argparse
import hashlib
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"

PAGE_TARGET_MS = 150
EXPORT_TARGET_S = 3.0
SUGGESTED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_attendance_activity_present_user ON attendance (activity_id, present, user_id)",
    "CREATE INDEX IF NOT EXISTS ix_registration_activity_active_status_user "
    "ON registration (activity_id, active, status, user_id)",
)


def schema_fingerprint(metadata) -> str:
    parts = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        parts.append(table.name + ":" + ",".join(f"{c.name} {c.type}" for c in table.columns))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def make_app(db_path: Path, cache_seconds: int):
    os.environ.setdefault("WIJKMAKERS_INSTANCE", str(OUT / "instance"))
    from wijkmakers import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "SECRET_KEY": "benchmark",
        "REPORTING_CACHE_SECONDS": cache_seconds,
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    })


def ensure_database(scale: int, rebuild: bool) -> Path:
    from wijkmakers.extensions import db

    OUT.mkdir(parents=True, exist_ok=True)
    db_path = OUT / f"reporting-scale{scale}.sqlite"
    marker = db_path.with_suffix(".schema")
    app = make_app(db_path, 0)
    with app.app_context():
        wanted = schema_fingerprint(db.metadata)
        if not rebuild and db_path.exists() and marker.exists() and marker.read_text().strip() == wanted:
            print(f"database: {db_path.relative_to(ROOT)} (reused)")
            return db_path
        db.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    marker.unlink(missing_ok=True)
    app = make_app(db_path, 0)
    with app.app_context():
        from wijkmakers.demo.data import load_demo

        print(f"database: building scale {scale} into {db_path.relative_to(ROOT)} (a few minutes) ...", flush=True)
        started = time.perf_counter()
        db.create_all()
        summary = load_demo(app.config["CONTENT_DIR"], scale=scale)
        db.session.remove()
        db.engine.dispose()
        print(f"database: {summary.users} people, {summary.activities} activities, {summary.attendance} "
              f"attendance rows in {time.perf_counter() - started:.0f} s")
    marker.write_text(wanted)
    return db_path


def indexed_copy(db_path: Path) -> Path:
    import shutil
    import sqlite3

    copy = db_path.with_name(db_path.stem + "-indexed.sqlite")
    if not copy.exists() or copy.stat().st_mtime < db_path.stat().st_mtime:
        shutil.copyfile(db_path, copy)
        with sqlite3.connect(copy) as conn:
            for statement in SUGGESTED_INDEXES:
                conn.execute(statement)
            conn.execute("ANALYZE")
    return copy


def logged_in_client(app):
    from sqlalchemy import select

    from wijkmakers.auth.models import User
    from wijkmakers.extensions import db

    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@wijkmakers.example"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = coordinator.get_id()
        session["_fresh"] = True
    return client


def percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_page(app, url: str, requests: int) -> tuple[list[float], float]:
    """Wall-clock milliseconds per request, and the mean CPU milliseconds of this process."""
    times = []
    with app.app_context():
        client = logged_in_client(app)
        assert client.get(url).status_code == 200  # templates compiled, connection open
        cpu = time.process_time()
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        cpu_ms = (time.process_time() - cpu) * 1000 / requests
    return times, cpu_ms


def time_export(app, url: str, trace: bool) -> tuple[float, float, int, int]:
    with app.app_context():
        client = logged_in_client(app)
        if trace:
            tracemalloc.start()
        cpu = time.process_time()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        assert response.status_code == 200, response.status_code
        return elapsed, cpu, peak, len(response.data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--with-indexes", action="store_true", help="run on a copy with SUGGESTED_INDEXES")
    args = parser.parse_args()

    db_path = ensure_database(args.scale, args.rebuild)
    if args.with_indexes:
        db_path = indexed_copy(db_path)
        print(f"with the suggested indexes: {db_path.relative_to(ROOT)}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    url = "/cijfers"
    ok = True

    cold, cold_cpu = time_page(make_app(db_path, 0), url, max(5, args.requests // 8))
    print(f"statistics page, cache off ({len(cold)} requests): p50 {percentile(cold, 50):.0f} ms, "
          f"p95 {percentile(cold, 95):.0f} ms, CPU {cold_cpu:.0f} ms/request (every request computes all figures)")
    warm, warm_cpu = time_page(make_app(db_path, 120), url, args.requests)
    print(f"statistics page, cache on  ({len(warm)} requests): p50 {percentile(warm, 50):.1f} ms, "
          f"p95 {percentile(warm, 95):.1f} ms, mean {statistics.mean(warm):.1f} ms, CPU {warm_cpu:.1f} ms/request "
          f"(target p95 < {PAGE_TARGET_MS} ms)")
    ok &= percentile(warm, 95) < PAGE_TARGET_MS
    filtered, _ = time_page(make_app(db_path, 120), url + "?meting=aangemeld&telling=deelnames&soort=bewoner",
                            max(5, args.requests // 2))
    print(f"statistics page, cache on, filtered: p50 {percentile(filtered, 50):.1f} ms, "
          f"p95 {percentile(filtered, 95):.1f} ms")

    export_app = make_app(db_path, 120)
    export_url = "/cijfers/export/deelnames/xlsx"
    elapsed, cpu, _, size = time_export(export_app, export_url, trace=False)
    print(f"XLSX export of all participations: {elapsed:.2f} s (CPU {cpu:.2f} s), {size / 1e6:.1f} MB "
          f"(target < {EXPORT_TARGET_S} s)")
    ok &= elapsed < EXPORT_TARGET_S
    _, _, peak, _ = time_export(export_app, export_url, trace=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"XLSX export peak Python memory (tracemalloc): {peak / 1e6:.0f} MB; process peak RSS so far {rss:.0f} MB")
    csv_elapsed, csv_cpu, _, csv_size = time_export(export_app, "/cijfers/export/deelnames/csv-puntkomma", trace=False)
    print(f"CSV export of all participations: {csv_elapsed:.2f} s (CPU {csv_cpu:.2f} s), {csv_size / 1e6:.1f} MB")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("OK" if ok else "TARGET MISSED (compare wall-clock with CPU time and the load average)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Load benchmark (`make bench`): the portal with `demo load --scale 50` under gunicorn (2 workers),
driven by wrk on loopback with 16 concurrent clients over the main pages of each role, beside a
minimal Flask page served the same way in the same run. Prints p50/p95 latency, requests/s, memory
and the throughput ratio.

The machine this runs on is shared and its speed drifts by a factor of two or more within minutes, so
the minimal page is measured right before each role (YARDSTICK_DURATION) and each role's ratio is taken
against that neighbouring measurement; the overall ratio is the mean of the roles' ratios.

The scale-50 database is built once into benchmarks/out/ and reused (delete it to rebuild).
"""
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
VENV_BIN = Path(sys.executable).parent
DB = OUT / "bench-scale50.sqlite"
SCALE = int(os.environ.get("BENCH_SCALE", "50"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
YARDSTICK_DURATION = os.environ.get("BENCH_YARDSTICK_DURATION", "4s")
PASSWORD = "wijkmakers-demo"

# The main pages of each role (paths a feature does not serve are dropped after a probe).
ROLE_PAGES = {
    "anoniem": ["/", "/agenda", "/inloggen"],
    "deelnemer": ["/", "/leren", "/agenda", "/certificaten", "/netwerk", "/mijn-gegevens"],
    "begeleider": ["/", "/agenda"],
    "organisator": ["/", "/activiteiten", "/leergangen"],
    "partner": ["/", "/mijn-organisatie"],
    "coordinator": ["/", "/cijfers", "/partners"],
    "beheerder": ["/", "/beheer/gebruikers"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env() -> dict:
    e = dict(os.environ)
    e.update(DATABASE_URL=f"sqlite:///{DB}", WIJKMAKERS_INSTANCE=str(OUT / "instance"), SECRET_KEY="bench-secret",
             LOG_LEVEL="WARNING", RATELIMIT_ENABLED="0")
    return e


def build_database() -> None:
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    if DB.exists():
        print(f"reusing {DB.relative_to(ROOT)}")
        # A reused database gets the migrations added since it was built.
        subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env(), check=True, capture_output=True)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env(), check=True)
    subprocess.run(flask + ["demo", "load", "--scale", str(SCALE)], cwd=ROOT, env=env(), check=True)
    print(f"built scale-{SCALE} database in {time.perf_counter() - started:.0f} s")


def serve(app: str, port: int, cwd: Path) -> subprocess.Popen:
    proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                             "--log-level", "warning", app], cwd=cwd, env=env(), start_new_session=True)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"gunicorn for {app} did not start")


def rss_mb(proc: subprocess.Popen) -> float:
    """Resident memory of the gunicorn master and its workers."""
    pids = [proc.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                                        text=True).stdout.split()]
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def session_cookie(base: str, who: str) -> str:
    if who == "anoniem":
        return ""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/inloggen").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": f"{who}@wijkmakers.example",
                                   "password": PASSWORD}).encode()
    opener.open(f"{base}/inloggen", data=data)
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise SystemExit(f"could not log in as {who}")
    return cookies


def served_paths(base: str, cookie: str, paths: list[str]) -> list[str]:
    kept = []
    for path in paths:
        request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    kept.append(path)
        except urllib.error.HTTPError:
            pass
    return kept


def wrk(base: str, paths: list[str], cookie: str, duration: str = DURATION) -> dict:
    run_env = dict(os.environ, WRK_PATHS=",".join(paths), WRK_COOKIE=cookie)
    result = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", duration, "-s",
                             str(ROOT / "benchmarks" / "rotate.lua"), base], capture_output=True, text=True,
                            env=run_env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    build_database()
    port, minimal_port = free_port(), free_port()
    portal = serve("wsgi:app", port, ROOT)
    minimal = serve("minimal_app:app", minimal_port, ROOT / "benchmarks")
    minimal_base = f"http://127.0.0.1:{minimal_port}"
    results, yardsticks = {}, {}
    try:
        base = f"http://127.0.0.1:{port}"
        for who, pages in ROLE_PAGES.items():
            cookie = session_cookie(base, who)
            paths = served_paths(base, cookie, pages)
            yardsticks[who] = wrk(minimal_base, ["/"], "", YARDSTICK_DURATION)
            results[who] = wrk(base, paths, cookie) | {"paths": paths}
        portal_rss, minimal_rss = rss_mb(portal), rss_mb(minimal)
    finally:
        for proc in (portal, minimal):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()

    print(f"\nLoad benchmark: demo scale {SCALE}, gunicorn 2 workers, wrk {CONNECTIONS} connections, {DURATION} per role"
          f" (minimal page {YARDSTICK_DURATION} right before each role)")
    print(f"{'role':12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'minimal':>8} {'ratio':>6}"
          "  pages")
    ratios, worst_p95 = [], 0.0
    for who, r in results.items():
        ratio = r["rps"] / yardsticks[who]["rps"]
        ratios.append(ratio)
        worst_p95 = max(worst_p95, r["p95_ms"])
        print(f"{who:12} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']:7d} "
              f"{yardsticks[who]['rps']:8.0f} {ratio:6.1%}  {' '.join(r['paths'])}")
    minimal_p95 = max(y["p95_ms"] for y in yardsticks.values())
    print(f"minimal page (plain Flask string): {min(y['rps'] for y in yardsticks.values()):.0f}-"
          f"{max(y['rps'] for y in yardsticks.values()):.0f} req/s over the run, worst p95 {minimal_p95:.1f} ms")
    print(f"\nportal memory (master + 2 workers, RSS): {portal_rss:.0f} MB; minimal app: {minimal_rss:.0f} MB")
    mean_ratio = sum(ratios) / len(ratios)
    mean_rps = sum(r["rps"] for r in results.values()) / len(results)
    print(f"portal mean throughput {mean_rps:.0f} req/s; mean ratio to the minimal page {mean_ratio:.1%} "
          f"(target at least 15%); worst p95 {worst_p95:.1f} ms (target under 100 ms)")
    verdict = mean_ratio >= 0.15 and worst_p95 < 100
    print("RESULT:", "meets the targets" if verdict else "misses a target")


if __name__ == "__main__":
    main()

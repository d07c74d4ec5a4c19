"""Serve the portal with gunicorn in production settings and time its busiest pages.

    .venv/bin/python bench/tenyears.py d8portal_tenyears      # once: the ten-year data set
    .venv/bin/python bench/tenyears.py d8portal_small --small # once: the demo, 3 updates
    .venv/bin/python bench/pages.py d8portal_tenyears --small d8portal_small \
        --save bench/results/pages-after.json --compare bench/results/pages-before.json

With --code-dir it serves and counts the code of another checkout instead (a worktree of an
earlier commit, with its own .venv when it has one), on a database migrated by that code:

    git worktree add /work/h-before 183181c^1
    .venv/bin/python bench/tenyears.py d8portal_tenyears_before --code-dir /work/h-before
    .venv/bin/python bench/pages.py d8portal_tenyears_before --code-dir /work/h-before \
        --small d8portal_small_before --save bench/results/pages-before.json

For each page: p50 and p99 of one request at a time and at 8 connections (threads of keep-alive
HTTP connections), and its SQL query count at both sizes (in-process, Django's test client).
With --compare, the p50/p99 of an earlier run are printed beside this run's.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8765
SEQUENTIAL = int(os.environ.get("BENCH_REQUESTS", "60"))
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT_REQUESTS", "240"))
CONNECTIONS = 8


def pages(database):
    """(name, reader, path) of the pages the issue measures, resolved on this database."""
    import psycopg

    url = f"postgresql://postgres@127.0.0.1:5432/{database}"
    with psycopg.connect(url) as c:
        # Without progress updates (a bare demo), the first item.
        busiest = c.execute(
            "SELECT i.id FROM actionplans_actionitem i "
            "LEFT JOIN actionplans_progressupdate u ON u.item_id = i.id "
            "GROUP BY i.id ORDER BY count(u.id) DESC, i.id LIMIT 1"
        ).fetchone()[0]
        plan = c.execute(
            "SELECT p.slug FROM actionplans_actionplan p JOIN actionplans_actionitem i "
            "ON i.plan_id = p.id GROUP BY p.slug ORDER BY count(*) DESC, p.slug LIMIT 1"
        ).fetchone()[0]
    return [
        ("/action-items/ (focal point)", "focal.nigeria", "/action-items/"),
        ("/api/v1/action-items/ (focal point)", "focal.nigeria", "/api/v1/action-items/"),
        ("item with the most updates", "secretariat", f"/action-items/{busiest}/"),
        ("/member-states/nigeria/", None, "/member-states/nigeria/"),
        ("/api/v1/meetings/", None, "/api/v1/meetings/"),
        ("action plan with the most items", None, f"/action-plans/{plan}/"),
        ("/best-practices/?q=training", None, "/best-practices/?q=training"),
        ("/best-practices/?q=guarantee", None, "/best-practices/?q=guarantee"),
        ("/best-practices/", None, "/best-practices/"),
        ("/", None, "/"),
    ]


def production_env(database, static_root):
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_ANON": "100000/minute",
        "API_THROTTLE_USER": "100000/minute",
        "DJANGO_SETTINGS_MODULE": "d8portal.settings",
    }


def code_python(code_dir):
    """The Python of the checkout: its own virtual environment's when it has one."""
    own = Path(code_dir) / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def session_cookie(env, username, code_dir):
    """A session of the user, made in the database the server reads."""
    code = (
        "import django; django.setup();"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        f"u = get_user_model().objects.get(username={username!r});"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk);"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    key = subprocess.run(
        [code_python(code_dir), "-c", code],
        env=env,
        cwd=code_dir,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"sessionid={key}"


def timed_requests(path, cookie, count):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = cookie
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status}")
    connection.close()
    return times


def percentiles(times):
    ordered = sorted(times)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, round(len(ordered) * 0.99) - 1)],
    }


def measure(path, cookie):
    timed_requests(path, cookie, 3)  # warm the workers
    one = percentiles(timed_requests(path, cookie, SEQUENTIAL))
    results = []
    per_thread = CONCURRENT // CONNECTIONS
    threads = [
        threading.Thread(target=lambda: results.extend(timed_requests(path, cookie, per_thread)))
        for _ in range(CONNECTIONS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    eight = percentiles(results)
    return {
        "p50": one["p50"],
        "p99": one["p99"],
        "p50_8": eight["p50"],
        "p99_8": eight["p99"],
        "rps_8": len(results) / elapsed,
        "load": os.getloadavg()[0],  # a run beside other work shows here
    }


def query_counts(database, page_list, code_dir, static_root):
    """{path: queries} in-process on the database, as the test client sees each page."""
    env = production_env(database, static_root)
    code = f"""
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
counts = {{}}
for name, reader, path in {page_list!r}:
    client = Client(HTTP_HOST="127.0.0.1")
    if reader:
        client.force_login(get_user_model().objects.get(username=reader))
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    counts[name] = len(queries) if status == 200 else f"HTTP {{status}}"
print(json.dumps(counts))
"""
    done = subprocess.run(
        [code_python(code_dir), "-c", code], env=env, cwd=code_dir, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"counting the queries on {database} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load():
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--small", help="a database of the demo (tenyears.py --small), for counts")
    parser.add_argument("--save", help="write the figures to this JSON file")
    parser.add_argument("--compare", help="print an earlier run's p50/p99 beside")
    parser.add_argument(
        "--code-dir", default=str(ROOT), help="the checkout whose code is served (default: this)"
    )
    args = parser.parse_args()
    code_dir = str(Path(args.code_dir).resolve())
    python = code_python(code_dir)

    static_root = tempfile.mkdtemp(prefix="d8bench-static-")
    env = production_env(args.database, static_root)
    manage = [python, "manage.py"]
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=code_dir, check=True
    )
    page_list = pages(args.database)
    # Counted first: a page that fails here fails before minutes of timing.
    counts = query_counts(args.database, page_list, code_dir, static_root)
    small = query_counts(args.small, pages(args.small), code_dir, static_root) if args.small else {}
    print(f"serving {code_dir} on {args.database}; load average {load()}", flush=True)
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "d8portal.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=code_dir,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        readers = {reader for _, reader, _ in page_list if reader}
        cookies = {reader: session_cookie(env, reader, code_dir) for reader in readers}
        figures = {name: measure(path, cookies.get(reader)) for name, reader, path in page_list}
    finally:
        server.terminate()
        server.wait()
    for name in figures:
        figures[name]["queries"] = counts.get(name)
        figures[name]["queries_small"] = small.get(name)

    before = json.loads(Path(args.compare).read_text()) if args.compare else {}
    header = (
        f"{'page':40} {'p50':>7} {'p99':>7} {'p50@8':>7} {'p99@8':>7} {'req/s@8':>8} "
        f"{'load':>5} queries"
    )
    if before:
        header += f"   | before: {'p50':>7} {'p99':>7} {'p50@8':>7} {'p99@8':>7} queries"
    print(header)
    for name, f in figures.items():
        line = (
            f"{name:40} {f['p50']:7.1f} {f['p99']:7.1f} {f['p50_8']:7.1f} {f['p99_8']:7.1f} "
            f"{f['rps_8']:8.0f} {f['load']:5.1f} {f['queries']} (small: {f['queries_small']})"
        )
        if name in before:
            b = before[name]
            line += (
                f"   | {b['p50']:7.1f} {b['p99']:7.1f} {b['p50_8']:7.1f} {b['p99_8']:7.1f} "
                f"{b['queries']} (small: {b['queries_small']})"
            )
        print(line)
    print("milliseconds; one request at a time, then 8 connections; gunicorn -w 2, DEBUG=false")
    print(f"load average {load()}")
    if args.save:
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        Path(args.save).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()

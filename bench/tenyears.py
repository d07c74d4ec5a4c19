"""Build the ten-year data set on a PostgreSQL database it names, in a few minutes.

    .venv/bin/python bench/tenyears.py d8portal_tenyears
    .venv/bin/python bench/tenyears.py d8portal_small --small   # the demo, 3 progress updates
    .venv/bin/python bench/tenyears.py d8portal_tenyears_before --code-dir /work/h-before

It creates the database if missing, migrates it, loads the demo (states, bodies, focal points,
demo accounts), then adds, with set-based INSERT … SELECT statements: 218 meetings with 4,037
final outcomes, 204 action plans with 50,019 action items (a third with a supporting state,
80 % open, due dates over ten years, each carrying out an outcome), 500,000 progress updates
(one item with 1,000 of them), 10,008 published best practices (9,318 mentioning "training",
1,112 of Nigeria) and 103 consultations. History rows are not generated. Running it again on
a built database does nothing. bench/pages.py serves and measures it.

With --code-dir, the database is migrated and the demo loaded by the code of another checkout
(an earlier commit, to measure "before"; its own .venv when it has one), and the same statements
fill it: they name only columns that earlier code has as well.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_PREFIX = "bench-"


def database_url(name):
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def create_database(name):
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{name}"')


# Each statement builds one kind of record from generate_series; ids of the demo's states,
# bodies and accounts are looked up by the statements themselves.
STATEMENTS = [
    (
        "meetings",
        """
        INSERT INTO meetings_meeting (kind, number, title, slug, format, city, venue, start_date,
            end_date, status, summary)
        SELECT 'technical_session', 1000 + g, 'Technical session ' || g, 'bench-session-' || g,
            'virtual', '', '', date '2016-01-04' + g * 16, date '2016-01-04' + g * 16 + 1,
            'held', 'A technical session of the ten-year benchmark.'
        FROM generate_series(1, 218) g
        """,
    ),
    (
        "outcomes",
        """
        INSERT INTO meetings_outcome (meeting_id, number, kind, text, status, created_at)
        SELECT m.id, n, 'recommendation',
            'The meeting recommends that member states strengthen SME training, finance and '
            || 'market access (outcome ' || n || ' of ' || m.slug || ').', 'final', now()
        FROM meetings_meeting m
        CROSS JOIN generate_series(1, 19) n
        WHERE m.slug LIKE 'bench-session-%'
          AND (n <= 18 OR m.number - 1000 <= 113)
        """,
    ),
    (
        "action plans",
        """
        INSERT INTO actionplans_actionplan (title, slug, status, summary, adopted_at_id)
        SELECT 'Benchmark action plan ' || g, 'bench-plan-' || g,
            CASE WHEN g % 17 = 0 THEN 'completed' ELSE 'in_implementation' END,
            'A plan of the ten-year benchmark.',
            (SELECT id FROM meetings_meeting WHERE slug = 'bench-session-' || g)
        FROM generate_series(1, 204) g
        """,
    ),
    (
        "action items",
        """
        WITH states AS (
            SELECT id, row_number() OVER (ORDER BY iso_code) - 1 AS n FROM memberstates_memberstate
        ), plans AS (
            SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM actionplans_actionplan
            WHERE slug LIKE 'bench-plan-%'
        ), outcomes AS (
            SELECT o.id, row_number() OVER (ORDER BY o.id) - 1 AS n FROM meetings_outcome o
            JOIN meetings_meeting m ON m.id = o.meeting_id WHERE m.slug LIKE 'bench-session-%'
        )
        INSERT INTO actionplans_actionitem (plan_id, reference, title, description, lead_state_id,
            due_date, status, percent_complete, weight, updated_at, outcome_id)
        SELECT p.id, 'B-' || lpad(g::text, 5, '0'),
            'Benchmark item ' || g || ': SME training and export readiness',
            'Carry out the work the plan sets for this item.', s.id,
            date '2017-01-01' + (g * 7919) % 3650,
            CASE WHEN g % 10 = 0 THEN 'completed' WHEN g % 10 = 1 THEN 'cancelled'
                 WHEN g % 10 < 5 THEN 'in_progress' ELSE 'not_started' END,
            CASE WHEN g % 10 = 0 THEN 100 WHEN g % 10 < 5 THEN 40 ELSE 0 END, 1, now(), o.id
        FROM generate_series(1, 50019) g
        JOIN plans p ON p.n = g % 204
        JOIN states s ON s.n = g % 9
        JOIN outcomes o ON o.n = g % 4037
        """,
    ),
    (
        "supporting states",
        """
        WITH states AS (
            SELECT id, row_number() OVER (ORDER BY iso_code) - 1 AS n FROM memberstates_memberstate
        )
        INSERT INTO actionplans_actionitem_supporting_states (actionitem_id, memberstate_id)
        SELECT i.id, s.id FROM actionplans_actionitem i
        JOIN states s ON s.n = (i.id + 4) % 9
        WHERE i.reference LIKE 'B-%' AND i.id % 3 = 0 AND s.id <> i.lead_state_id
        """,
    ),
    (
        "progress updates",
        """
        INSERT INTO actionplans_progressupdate (item_id, author_id, created_at, percent_complete,
            status, narrative, evidence, evidence_name)
        SELECT i.id, (SELECT id FROM auth_user WHERE username = 'focal.nigeria'),
            now() - make_interval(days => (4000 - u * 7 - i.id % 7)::int), u * 4, 'in_progress',
            'Progress report ' || u || ': workshops held, trainees reached, next steps agreed.',
            '', ''
        FROM actionplans_actionitem i
        CROSS JOIN generate_series(1, 10) u
        WHERE i.reference LIKE 'B-%' AND i.reference <> 'B-00001'
        ORDER BY i.id, u
        LIMIT 499000
        """,
    ),
    (
        "the item with 1,000 updates",
        """
        INSERT INTO actionplans_progressupdate (item_id, author_id, created_at, percent_complete,
            status, narrative, evidence, evidence_name)
        SELECT i.id, (SELECT id FROM auth_user WHERE username = 'focal.nigeria'),
            now() - make_interval(hours => (1000 - u)::int), u / 10, 'in_progress',
            'Weekly report ' || u || ' on the item.', '', ''
        FROM actionplans_actionitem i CROSS JOIN generate_series(1, 1000) u
        WHERE i.reference = 'B-00001'
        """,
    ),
    (
        "best practices",
        """
        WITH states AS (
            SELECT s.id, b.id AS body, row_number() OVER (ORDER BY s.iso_code) - 1 AS n
            FROM memberstates_memberstate s
            JOIN LATERAL (SELECT id FROM memberstates_smebody WHERE state_id = s.id
                          ORDER BY id LIMIT 1) b ON true
        )
        INSERT INTO knowledge_bestpractice (state_id, body_id, title, pillar, instrument,
            summary, description, results, start_year, status, created_at, updated_at,
            submitted_at, published_at, return_comment)
        SELECT s.id, s.body,
            CASE WHEN g % 100 < 93 THEN 'SME training programme ' ELSE 'SME credit guarantee ' END
                || g,
            (ARRAY['digital_transformation', 'access_to_finance', 'green_transition', ''])
                [g % 4 + 1],
            (ARRAY['programme', 'regulation', 'financing_instrument', 'training', 'platform'])
                [g % 5 + 1],
            CASE WHEN g % 100 < 93
                 THEN 'Training for small firms in digital skills, finance and export markets.'
                 ELSE 'Guarantees that let banks lend to small firms without collateral.' END,
            repeat('The agency runs the scheme with regional offices, partner banks and '
                   || 'chambers of commerce; firms apply online and are followed for a year. ', 40)
                || ' Practice ' || g || '.',
            'Firms reached and jobs kept, as reported yearly.', 2010 + g % 15,
            'published', now(), now(), now() - make_interval(days => (g % 3000)::int),
            now() - make_interval(days => (g % 3000)::int), ''
        FROM generate_series(1, 10008) g
        JOIN states s ON s.n = (g + 5) % 9
        """,
    ),
    (
        "consultations",
        """
        INSERT INTO consultations_consultation (title, plan_id, summary, procedure, status,
            deadline, circulated_on, result, created_at)
        SELECT 'Benchmark consultation ' || g,
            (SELECT id FROM actionplans_actionplan WHERE slug = 'bench-plan-' || g),
            'Do the states accept the draft?', 'silence',
            CASE WHEN g > 100 THEN 'open' ELSE 'closed' END,
            date '2016-02-01' + g * 35, date '2016-01-01' + g * 35,
            CASE WHEN g > 100 THEN '' ELSE 'adopted' END, now()
        FROM generate_series(1, 103) g
        """,
    ),
    (
        "consulted states",
        """
        INSERT INTO consultations_consultation_states (consultation_id, memberstate_id)
        SELECT c.id, s.id FROM consultations_consultation c CROSS JOIN memberstates_memberstate s
        WHERE c.title LIKE 'Benchmark consultation %'
        """,
    ),
]


# The demo alone has no progress updates: three on its first item, so that the item page reads
# a history at both sizes.
SMALL_STATEMENTS = [
    (
        "progress updates",
        """
        INSERT INTO actionplans_progressupdate (item_id, author_id, created_at, percent_complete,
            status, narrative, evidence, evidence_name)
        SELECT (SELECT min(id) FROM actionplans_actionitem),
            (SELECT id FROM auth_user WHERE username = 'focal.nigeria'),
            now() - make_interval(days => 30 * (4 - u)), u * 10, 'in_progress',
            'Progress report ' || u || '.', '', ''
        FROM generate_series(1, 3) u
        WHERE NOT EXISTS (SELECT 1 FROM actionplans_progressupdate)
        """,
    ),
]


def build(small):
    from django.core.management import call_command
    from django.db import connection, transaction

    from d8portal.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo(with_accounts=True)
    if small:
        for name, sql in SMALL_STATEMENTS:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                print(f"{name}: {cursor.rowcount:,} rows", flush=True)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM meetings_meeting WHERE slug = 'bench-session-1'")
        if cursor.fetchone():
            print("the ten-year data set is there already")
            return
    with transaction.atomic():  # all or nothing, so that a second run finds all or none
        for name, sql in STATEMENTS:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.rowcount
            print(f"{name}: {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--small", action="store_true", help="the demo, 3 progress updates")
    parser.add_argument(
        "--code-dir", default=str(ROOT), help="the checkout that migrates (default: this)"
    )
    args = parser.parse_args()
    code_dir = Path(args.code_dir).resolve()
    own_python = code_dir / ".venv" / "bin" / "python"
    python = str(own_python) if own_python.exists() else sys.executable
    create_database(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(args.database),
        "BENCH_BUILD": "1",
        "BENCH_CODE_DIR": str(code_dir),
    }
    started = time.perf_counter()
    build_args = ["--small"] if args.small else []
    subprocess.run([python, __file__, *build_args], env=env, cwd=code_dir, check=True)
    print(f"built {args.database} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if os.environ.get("BENCH_BUILD"):
        # The code that migrates and loads the demo comes first: this checkout or another.
        sys.path.insert(0, os.environ["BENCH_CODE_DIR"])
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")
        os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
        import django

        django.setup()
        build(small="--small" in sys.argv)
    else:
        main()

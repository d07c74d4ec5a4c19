"""Time the catalogue's full-text search over 10,000 published practices, with the GIN index
on the search vector and without it.

    createdb -h 127.0.0.1 -U postgres d8portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/d8portal_bench
    .venv/bin/python bench/knowledge_search.py

It migrates that database, then WIPES its best practices (and their exchange requests).
Practices are spread over the nine D-8 states, with texts drawn from an SME-policy vocabulary
(a fixed seed, so every run builds the same rows). Each search runs as the catalogue runs it
(count, then the first page of 20 with states, bodies and themes) and is timed as the median
of repeated runs. "Without" drops the index inside a transaction rolled back afterwards.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from knowledge.models import BestPractice, Pillar  # noqa: E402
from memberstates.models import MemberState, SMEBody  # noqa: E402

COUNT = int(os.environ.get("BENCH_PRACTICES", "10000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
STATES = [
    ("BD", "Bangladesh"),
    ("EG", "Egypt"),
    ("ID", "Indonesia"),
    ("IR", "Iran"),
    ("MY", "Malaysia"),
    ("NG", "Nigeria"),
    ("PK", "Pakistan"),
    ("TR", "Türkiye"),
    ("AZ", "Azerbaijan"),
]
WORDS = (  # noqa: SIM905 - reads as the vocabulary it is
    "enterprise firm loan credit guarantee bank fund grant voucher export market trade fair "
    "training mentoring incubator accelerator registration tax formal informal digital online "
    "platform payment invoice software cloud solar energy efficiency waste recycling water "
    "green emission supply chain procurement standard quality certification skills women "
    "youth rural region province district cooperative association chamber survey statistics "
    "data evaluation outcome budget agency ministry programme regulation reform licence "
    "permit inspection simplification workshop seminar exchange visit expert counterpart "
    "partnership investment equity venture microfinance leasing collateral interest rate"
).split()
# Words a visitor types: common, rare, a phrase, and a combination.
SEARCHES = ["training", "cassava", '"solar energy"', "export credit guarantee", "cluster"]


def build(count):
    with connection.cursor() as cursor:  # the attachments, requests and links go with them
        cursor.execute("TRUNCATE knowledge_bestpractice CASCADE")
    bodies = []
    for code, name in STATES:
        state, _ = MemberState.objects.get_or_create(
            iso_code=code,
            defaults={"name": name, "slug": name.lower(), "joined_on": datetime.date(1997, 6, 15)},
        )
        body, _ = SMEBody.objects.get_or_create(
            state=state, acronym=f"SME-{code}", defaults={"name": f"SME body of {name}"}
        )
        bodies.append(body)
    rng = random.Random(8)  # noqa: S311 - reproducible texts, not secrets
    pillars = [*Pillar.values, ""]
    now = timezone.now()

    def text(n):
        words = rng.choices(WORDS, k=n)
        if rng.random() < 0.01:
            words[rng.randrange(n)] = "cassava"
        if rng.random() < 0.05:
            words[rng.randrange(n)] = "cluster"
        return " ".join(words).capitalize() + "."

    practices = []
    for n in range(count):
        body = bodies[n % len(bodies)]
        practices.append(
            BestPractice(
                state_id=body.state_id,
                body=body,
                title=text(6),
                pillar=pillars[n % len(pillars)],
                instrument=BestPractice.Instrument.PROGRAMME,
                summary=text(30),
                description=" ".join(text(40) for _ in range(4)),
                results=text(20),
                start_year=2000 + n % 26,
                status=BestPractice.Status.PUBLISHED,
                published_at=now,
            )
        )
    # Inserted rows get their search vector from the database trigger.
    BestPractice.objects.bulk_create(practices, batch_size=1000)
    # As autovacuum would: merge the GIN index's pending list, and give the planner statistics.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE knowledge_bestpractice")


def catalogue_search(text):
    practices = BestPractice.objects.published().search(text).for_listing()
    page = Paginator(practices, 20).get_page(1)
    return page.paginator.count, len(list(page))


def median_ms(text):
    catalogue_search(text)  # warm the cache: every run after the first is timed alike
    timings = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        found, _ = catalogue_search(text)
        timings.append((time.perf_counter() - started) * 1000)
    return found, statistics.median(timings)


def uses_index(text):
    plan = BestPractice.objects.published().search(text).explain()
    return "best_practice_search" in plan


def measure():
    return {text: (*median_ms(text), uses_index(text)) for text in SEARCHES}


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/knowledge_search.py: DATABASE_URL must name a PostgreSQL database")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(COUNT)
    print(f"built {COUNT} published practices in {time.perf_counter() - started:.1f} s")
    with_index = measure()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX best_practice_search")
        without_index = measure()
        transaction.set_rollback(True)  # the index comes back
    print(f"median of {REPEAT} catalogue searches (count + first page of 20), milliseconds")
    print(f"{'search':<26} {'found':>6} {'with GIN':>9} {'without':>9}  plan with index")
    for text in SEARCHES:
        found, ms, used = with_index[text]
        _, ms_without, _ = without_index[text]
        plan = "GIN index" if used else "other"
        print(f"{text:<26} {found:>6} {ms:>9.1f} {ms_without:>9.1f}  {plan}")


if __name__ == "__main__":
    main()

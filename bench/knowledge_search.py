"""Time the catalogue's full-text search over 10,000 published practices, with the GIN index
on the search vector and without it.

    createdb -h 127.0.0.1 -U postgres d8portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/d8portal_bench
    .venv/bin/python bench/knowledge_search.py

It migrates that database, then WIPES its best practices (and their exchange requests).
Practices are spread over the nine D-8 states, with texts drawn from an SME-policy vocabulary
(a fixed seed, so every run builds the same rows). Each search runs as the catalogue runs it
(the count capped at 1,000, then the first page of 20 with states, bodies and themes) and is
timed as the median of repeated runs. "Without" drops the index inside a transaction rolled
back afterwards.

With --existing it builds nothing and times the practices already there, e.g. the ten-year data
set (bench/tenyears.py), whose words are "training" (9,318 of 10,008), "guarantee" (690) and
a practice's number (one):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/d8portal_tenyears \
        .venv/bin/python bench/knowledge_search.py --existing \
        training guarantee 1234 '"credit guarantee"' 'training -guarantee' 'sme -training'
"""

import argparse
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
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.paginator import CappedPaginator  # noqa: E402
from knowledge.models import BestPractice, Pillar  # noqa: E402
from knowledge.views import PRACTICES_PER_PAGE, SEARCH_COUNT_CAP  # noqa: E402
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
    """As the catalogue searches: the capped count, then the first page."""
    practices = BestPractice.objects.published().matching(q=text).for_cards()
    paginator = CappedPaginator(practices, PRACTICES_PER_PAGE, cap=SEARCH_COUNT_CAP)
    started = time.perf_counter()
    count = paginator.count
    counted = time.perf_counter()
    shown = len(list(paginator.get_page(1)))
    return f"{count}{'+' if paginator.capped else ''}", shown, counted - started


def median_ms(text):
    catalogue_search(text)  # warm the cache: every run after the first is timed alike
    timings, counts = [], []
    for _ in range(REPEAT):
        started = time.perf_counter()
        found, _, counting = catalogue_search(text)
        timings.append((time.perf_counter() - started) * 1000)
        counts.append(counting * 1000)
    return found, statistics.median(timings), statistics.median(counts)


def uses_index(text):
    plan = BestPractice.objects.published().matching(q=text).for_cards()[:20].explain()
    return "best_practice_search" in plan


def measure(searches):
    return {text: (*median_ms(text), uses_index(text)) for text in searches}


def load():
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("searches", nargs="*", default=SEARCHES, help="texts to search")
    parser.add_argument(
        "--existing", action="store_true", help="time the practices there; build nothing"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/knowledge_search.py: DATABASE_URL must name a PostgreSQL database")
    if not args.existing:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(COUNT)
        print(f"built {COUNT} published practices in {time.perf_counter() - started:.1f} s")
    published = BestPractice.objects.published().count()
    print(f"{published} published practices; load average {load()}")
    with_index = measure(args.searches)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX best_practice_search")
        without_index = measure(args.searches)
        transaction.set_rollback(True)  # the index comes back
    print(
        f"median of {REPEAT} catalogue searches (count capped at {SEARCH_COUNT_CAP:,} + first "
        f"page of {PRACTICES_PER_PAGE}), milliseconds; of which the count"
    )
    print(
        f"{'search':<26} {'found':>6} {'with GIN':>9} {'(count)':>8} {'without':>9} "
        f"{'(count)':>8}  plan with index"
    )
    for text in args.searches:
        found, ms, count_ms, used = with_index[text]
        _, ms_without, count_without, _ = without_index[text]
        plan = "GIN index" if used else "other"
        print(
            f"{text:<26} {found:>6} {ms:>9.1f} {count_ms:>8.1f} {ms_without:>9.1f} "
            f"{count_without:>8.1f}  {plan}"
        )
    print(f"load average {load()}")


if __name__ == "__main__":
    main()

"""The scoreboard page and the CSV export over 30 indicators × 9 states × 20 years (5,400
published values), with their SQL query counts at a small and at the full size, and the
scoreboard page's render time.

    createdb -h 127.0.0.1 -U postgres d8portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/d8portal_bench
    .venv/bin/python bench/scoreboard.py

It migrates that database, then WIPES its indicators, values, data calls and targets. Values
come from a fixed seed, so every run builds the same rows. Times are the median of repeated
requests through Django's test client (template rendering included, no network).
"""

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

from django.conf import settings  # noqa: E402
from django.core import signals  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from indicators.models import (  # noqa: E402
    DataCall,
    DataCallNotice,
    Indicator,
    IndicatorValue,
    NationalDefinition,
    Target,
)
from memberstates.models import MemberState  # noqa: E402

INDICATORS = int(os.environ.get("BENCH_INDICATORS", "30"))
YEARS = int(os.environ.get("BENCH_YEARS", "20"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
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


def build(indicators, years):
    """`indicators` × nine states × `years` published values."""
    DataCallNotice.objects.all().delete()
    DataCall.objects.all().delete()
    Target.objects.all().delete()
    IndicatorValue.history.all().delete()
    IndicatorValue.objects.all().delete()
    Indicator.objects.all().delete()
    states = []
    for code, name in STATES:
        state, _ = MemberState.objects.get_or_create(
            iso_code=code, defaults={"name": name, "slug": name.lower(), "joined_on": "1997-06-15"}
        )
        states.append(state)
        NationalDefinition.objects.get_or_create(
            state=state, year_adopted=2018, defaults={"max_employees": 249}
        )
    random.seed(16)
    created = Indicator.objects.bulk_create(
        Indicator(
            code=f"bench-{i:02d}",
            name=f"Benchmark indicator {i:02d}",
            unit=Indicator.Unit.PERCENT,
            definition="Benchmark.",
            source="Benchmark",
            pillar=Indicator.Pillar.FINANCE,
            position=i,
        )
        for i in range(indicators)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            state=state,
            year=2005 + y,
            value=round(random.uniform(5, 95), 1),  # noqa: S311 - not a secret
            status=IndicatorValue.Status.PUBLISHED,
        )
        for indicator in created
        for state in states
        for y in range(years)
    )
    return created[0]


def measure(client, url):
    # The log keeps at most 9,000 queries: a full one would capture none.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
    assert response.status_code == 200, response.status_code
    count = len(queries)
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        _ = b"".join(response) if response.streaming else response.content
        times.append(time.perf_counter() - start)
    return count, statistics.median(times) * 1000, len(body)


def main():
    # Keep one connection across requests, so that every query of a request is counted.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    client = Client()
    print("values  page                      queries  median ms  bytes")
    for indicators, years in [(2, 2), (INDICATORS, YEARS)]:
        first = build(indicators, years)
        total = IndicatorValue.objects.count()
        for label, url in [
            ("scoreboard (one indicator)", first.get_absolute_url()),
            ("CSV export (everything)", "/statistics/export.csv"),
        ]:
            queries, ms, size = measure(client, url)
            print(f"{total:>6}  {label:<26}{queries:>7}  {ms:>9.1f}  {size:>7}")


if __name__ == "__main__":
    main()

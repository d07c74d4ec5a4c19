"""Time the reminder sweep and count its SQL queries at two sizes of open action items.

    createdb -h 127.0.0.1 -U postgres d8portal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/d8portal_bench
    .venv/bin/python bench/reminders.py

It migrates that database, then WIPES its action plans, items and reminders. Items are spread
across the nine D-8 states, with due dates from 60 days overdue to 60 days ahead, a third of
them with supporting states; each state has two focal points. E-mails go to memory. Each size
starts from the statistics of the size before, its reminders all sent.
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from actionplans.models import ActionItem, ActionPlan, Reminder  # noqa: E402
from actionplans.services import reminder_sweep  # noqa: E402
from memberstates.models import FocalPoint, MemberState, SMEBody  # noqa: E402

TODAY = datetime.date(2026, 11, 23)
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "5000,50000").split(",")]
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


def states():
    found = []
    for code, name in STATES:
        state, _ = MemberState.objects.get_or_create(
            iso_code=code,
            defaults={"name": name, "slug": name.lower(), "joined_on": datetime.date(1997, 6, 15)},
        )
        body, _ = SMEBody.objects.get_or_create(
            state=state, acronym=f"SME-{code}", defaults={"name": f"SME body of {name}"}
        )
        for role in ["primary", "alternate"]:
            FocalPoint.objects.get_or_create(
                body=body,
                role=role,
                defaults={"full_name": f"{role} {code}", "email": f"{role}.{code}@example.org"},
            )
        found.append(state)
    return found


def build(count, states):
    # The planner's statistics then describe the last sweep's rows, all sent, as autovacuum
    # leaves them after a day: a claim planned on them without a fresh ANALYZE took minutes.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Reminder._meta.db_table}")
    Reminder.objects.all().delete()
    ActionItem.supporting_states.through.objects.all().delete()
    ActionItem.objects.all().delete()
    ActionPlan.objects.all().delete()
    plan = ActionPlan.objects.create(title="Bench plan", slug="bench", status="in_implementation")
    items = ActionItem.objects.bulk_create(
        ActionItem(
            plan=plan,
            reference=f"B-{n:06d}",
            title=f"Bench item {n}",
            lead_state=states[n % len(states)],
            due_date=TODAY + datetime.timedelta(days=n % 121 - 60),
        )
        for n in range(count)
    )
    Through = ActionItem.supporting_states.through
    Through.objects.bulk_create(
        Through(actionitem_id=item.pk, memberstate_id=states[(n + 1) % len(states)].pk)
        for n, item in enumerate(items)
        if n % 3 == 0
    )


class QueryCounter:
    """Counts every statement (Django's own query log stops at 9,000 entries)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(label):
    mail.outbox = []
    counter = QueryCounter()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        deliveries = reminder_sweep(today=TODAY)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    largest = max((len(m.message().as_bytes()) for m in mail.outbox), default=0)
    return label, len(deliveries), counter.count, seconds, cpu, largest


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/reminders.py: DATABASE_URL must name a PostgreSQL database")
    call_command("migrate", verbosity=0)
    bench_states = states()
    print(
        f"{'items':>7} {'sweep':<18} {'e-mails':>7} {'queries':>7} {'seconds':>8} "
        f"{'cpu s':>6} {'largest':>9} {'rows':>7}"
    )
    for count in SIZES:
        build(count, bench_states)
        for label in ["first (sends)", "again same day"]:
            label, sent, queries, seconds, cpu, largest = measure(label)
            rows = Reminder.objects.count()
            print(
                f"{count:>7} {label:<18} {sent:>7} {queries:>7} {seconds:>8.2f} {cpu:>6.2f} "
                f"{largest:>9,} {rows:>7}"
            )
    print("largest: the largest e-mail in bytes")


if __name__ == "__main__":
    main()

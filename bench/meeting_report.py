"""Time the meeting outcome report against WeasyPrint alone, and serving a stored report.

    VAR_DIR=/tmp/bench-var .venv/bin/python bench/meeting_report.py [--repeat 5]

Uses the database of the settings (loading the demo data when the 9th meeting is missing)
and a temporary MEDIA_ROOT. The large meeting (60 outcomes, 150 action items, 9 delegations)
is created inside a transaction that is rolled back, so the database is left as it was.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="d8-bench-media-")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from weasyprint import HTML  # noqa: E402

from actionplans.models import ActionItem, ActionPlan  # noqa: E402
from meetings.models import Attendance, Meeting, Outcome  # noqa: E402
from meetings.reports import meeting_report_html, meeting_report_render  # noqa: E402
from memberstates.models import MemberState  # noqa: E402

CSS_HREF = "/static/css/report.css"


def weasyprint_alone(html):
    # The same HTML, with the stylesheet linked as a plain file and WeasyPrint's own fetcher.
    local = html.replace(CSS_HREF, (ROOT / "static/css/report.css").as_uri())
    return HTML(string=local).write_pdf()


def median_time(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def large_meeting():
    states = list(MemberState.objects.order_by("name"))[:9]
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.SME_BODIES,
        number=99,
        slug="bench-large-meeting",
        format=Meeting.Format.HYBRID,
        city="Istanbul",
        host_state=states[0],
        start_date=datetime.date(2026, 6, 1),
        end_date=datetime.date(2026, 6, 3),
        status=Meeting.Status.HELD,
        summary="A generated meeting for the benchmark.",
    )
    for state in states:
        Attendance.objects.create(
            meeting=meeting,
            state=state,
            head_of_delegation=f"Head of the {state} delegation",
            delegates="\n".join(f"Delegate {n} of {state}, SME body" for n in range(1, 4)),
        )
    outcomes = [
        Outcome.objects.create(
            meeting=meeting,
            number=n,
            kind=list(Outcome.Kind)[n % 3],
            text=f"Outcome {n}: the Member States agreed to cooperate on SME matter {n}, "
            "including access to finance, digital transformation and green transition.",
        )
        for n in range(1, 61)
    ]
    plans = [
        ActionPlan.objects.create(
            title=f"Bench plan {n}", slug=f"bench-plan-{n}", tabled_at=meeting, status="adopted"
        )
        for n in range(1, 6)
    ]
    for n in range(150):
        item = ActionItem.objects.create(
            plan=plans[n % 5],
            reference=f"BENCH-{n:03d}",
            title=f"Action item {n} arising from the meeting",
            outcome=outcomes[n % 60],
            lead_state=states[n % 9],
            due_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=5 * n),
            status="in_progress",
            percent_complete=n % 100,
        )
        item.supporting_states.add(states[(n + 1) % 9])
    admin = get_user_model().objects.filter(is_staff=True).first()
    meeting.publish_outcomes(by=admin)
    return meeting


def measure(name, meeting, repeat):
    meeting_report_render(meeting=meeting)  # warm up: templates, fonts
    html = meeting_report_html(meeting)
    ours = median_time(lambda: meeting_report_render(meeting=meeting), repeat)
    alone = median_time(lambda: weasyprint_alone(html), repeat)
    report = meeting.report
    report.refresh_from_db()
    client = Client()
    url = reverse("meetings:report", args=[meeting.slug])

    def serve():
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)

    served = median_time(serve, repeat * 4)
    print(
        f"{name}: our report {ours:.3f} s, WeasyPrint alone {alone:.3f} s, "
        f"ratio {ours / alone:.3f}, {report.page_count} pages, "
        f"stored report served in {served * 1000:.1f} ms"
    )


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Meeting.objects.filter(slug="9th-sme-bodies-2026").exists():
        call_command("load_demo", verbosity=0)
    try:
        with transaction.atomic():
            ninth = Meeting.objects.get(slug="9th-sme-bodies-2026")
            measure("9th meeting", ninth, args.repeat)
            measure("large meeting (60 outcomes, 150 items, 9 delegations)", large_meeting(), 3)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

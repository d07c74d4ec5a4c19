"""Time the meeting outcome report against WeasyPrint alone, and serving a stored report.

    VAR_DIR=/tmp/bench-var .venv/bin/python bench/meeting_report.py [--repeat 5] [--serve-only]
    .venv/bin/python bench/meeting_report.py --only bench-session-216   # one render, any size

Uses the database of the settings (loading the demo data when the 9th meeting is missing)
and a temporary MEDIA_ROOT. The large meeting (60 outcomes, 150 action items, 9 delegations)
is created inside a transaction that is rolled back, so the database is left as it was.
"""

import argparse
import io
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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from actionplans.models import ActionItem, ActionPlan  # noqa: E402
from meetings.models import Attendance, Meeting, MeetingReport, Outcome  # noqa: E402
from meetings.reports import meeting_report_html, meeting_report_render  # noqa: E402
from memberstates.models import MemberState  # noqa: E402

CSS_HREF = "/static/css/report.css"


def weasyprint_alone(html):
    # The same HTML, with the stylesheet linked as a plain file and WeasyPrint's own fetcher.
    local = html.replace(CSS_HREF, (ROOT / "static/css/report.css").as_uri())
    return HTML(string=local).write_pdf()


def median_time(function, repeat, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        started = clock()
        function()
        times.append(clock() - started)
    return statistics.median(times)


def median_cpu_time(function, repeat):
    # The CPU time of this process: what the request costs the server, whatever else the
    # (shared) machine is running meanwhile.
    return median_time(function, repeat, clock=time.process_time)


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


def measure(name, meeting, repeat, serve_only=False):
    for audience in MeetingReport.Audience:
        meeting_report_render(meeting=meeting, audience=audience)  # warm up: templates, fonts
    html = meeting_report_html(meeting)
    if not serve_only:
        ours = median_time(lambda: meeting_report_render(meeting=meeting), repeat)
        alone = median_time(lambda: weasyprint_alone(html), repeat)
        pages = meeting.reports.get(audience=MeetingReport.Audience.PUBLIC).page_count
        print(
            f"{name}: our report {ours:.3f} s, WeasyPrint alone {alone:.3f} s, "
            f"ratio {ours / alone:.3f}, {pages} pages"
        )
    # What every download cost before reports stayed stored: the report's HTML, rendered to
    # compare its hash with the stored one.
    html_check = median_time(lambda: meeting_report_html(meeting), repeat * 4)
    html_check_cpu = median_cpu_time(lambda: meeting_report_html(meeting), repeat * 4)
    client = Client()
    url = reverse("meetings:report", args=[meeting.slug])

    def serve(status=200, **headers):
        response = client.get(url, headers=headers)
        assert response.status_code == status, response.status_code
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    etag = serve()["ETag"]
    with CaptureQueriesContext(connection) as queries:
        serve()
    with CaptureQueriesContext(connection) as queries_304:
        serve(304, if_none_match=etag)
    figures = {
        "200": (serve, len(queries)),
        "304": (lambda: serve(304, if_none_match=etag), len(queries_304)),
    }
    print(f"{name}: serving the stored report to a visitor (median of {repeat * 40}, no render)")
    for label, (function, count) in figures.items():
        wall = median_time(function, repeat * 40)
        cpu = median_cpu_time(function, repeat * 40)
        print(f"  {label}: {cpu * 1000:.2f} ms CPU, {wall * 1000:.2f} ms wall, {count} queries")
    print(
        f"  before: each download rendered the report's HTML to compare fingerprints: "
        f"{html_check_cpu * 1000:.1f} ms CPU, {html_check * 1000:.1f} ms wall, then the PDF "
        "whenever the day had changed"
    )


def render_once(slug):
    """The size of one meeting's report and its time in WeasyPrint, without the portal's render
    limit (the ten-year data set's meetings)."""
    meeting = Meeting.objects.get(slug=slug)
    html = meeting_report_html(meeting)
    started = time.perf_counter()
    pdf = weasyprint_alone(html)
    seconds = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"{meeting}: {len(html):,} bytes of HTML, {pages} pages, {seconds:.1f} s in WeasyPrint")


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--serve-only", action="store_true", help="Time serving stored reports only."
    )
    parser.add_argument("--only", metavar="SLUG", help="Render this meeting's report once.")
    args = parser.parse_args()
    if args.only:
        render_once(args.only)
        return
    call_command("migrate", verbosity=0)
    if not Meeting.objects.filter(slug="9th-sme-bodies-2026").exists():
        call_command("load_demo", verbosity=0)
    try:
        with transaction.atomic():
            ninth = Meeting.objects.get(slug="9th-sme-bodies-2026")
            measure("9th meeting", ninth, args.repeat, args.serve_only)
            large = large_meeting()
            measure(
                "large meeting (60 outcomes, 150 items, 9 delegations)", large, 3, args.serve_only
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

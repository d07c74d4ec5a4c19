"""The issue's "done when": a bilateral MoU recorded, planned, reported on, shown in the state's
cooperation network, seen by another state in its public fields only, and reminded of once at
90 and once at 30 days before its end."""

import datetime

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from partners.models import Activity, Agreement
from tests.factories import PartnerFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VALID_UNTIL = datetime.date(2027, 6, 30)


def _add_activity(page, agreement, title, kind, responsible, start, end):
    page.goto(f"/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Responsible party").select_option(responsible)
    page.get_by_label("Start date").fill(start)
    page.get_by_label("End date").fill(end)
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_role("status")).to_contain_text("was saved")


@pytest.mark.django_db(transaction=True)
def test_a_bilateral_mou_is_recorded_planned_reported_shown_and_reminded_of(
    page, log_in, turkiye_focal, nigeria_focal, kosgeb, tmp_path, settings, mailoutbox
):
    settings.MEDIA_ROOT = tmp_path / "media"
    text = tmp_path / "KOSGEB-KOSME MoU.pdf"
    text.write_bytes(PDF)
    evidence = tmp_path / "training report.pdf"
    evidence.write_bytes(PDF)
    PartnerFactory(name="Korea SMEs and Startups Agency", acronym="KOSME", slug="kosme")

    # Türkiye's focal point records the MoU of KOSGEB with the counterpart agency.
    log_in("focal.turkiye", login_path="/accounts/login/")
    page.get_by_role("link", name="Partners").click()
    page.get_by_role("link", name="Korea SMEs and Startups Agency (KOSME)").click()
    page.get_by_role("link", name="Record an agreement of your state").click()
    page.get_by_label("Title").fill("Memorandum of Understanding between KOSGEB and KOSME")
    page.get_by_label("Status").select_option("in_force")
    page.get_by_label("Signed on").fill("2026-01-15")
    page.get_by_label("Entered into force on").fill("2026-02-01")
    page.get_by_label("Valid until").fill(VALID_UNTIL.isoformat())
    page.get_by_label("Summary").fill("Trainings and matchmaking for SMEs of both countries.")
    page.get_by_label("Text of the agreement").set_input_files(str(text))
    page.get_by_role("button", name="Save the agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Memorandum of Understanding between KOSGEB and KOSME"
    )
    agreement = Agreement.objects.get()
    assert (agreement.body, agreement.partner.slug) == (kosgeb, "kosme")

    # Two activities under its plan; the first is reported done with evidence.
    _add_activity(
        page,
        agreement,
        "Training of SME counsellors",
        "training",
        "state",
        "2026-11-02",
        "2026-11-06",
    )
    _add_activity(
        page,
        agreement,
        "Matchmaking forum in Seoul",
        "matchmaking",
        "partner",
        "2027-02-10",
        "2027-02-12",
    )
    assert Activity.objects.filter(item__plan=agreement.plan).count() == 2
    page.get_by_role("link", name="Report progress").first.click()
    page.get_by_label("Status").select_option("completed")
    page.get_by_label("What was done").fill("Twenty counsellors trained in Ankara.")
    page.get_by_label("Evidence file (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Post update").click()
    assert page.get_by_role("status").inner_text() == "Your progress update was recorded."
    done = Activity.objects.get(item__title="Training of SME counsellors").item
    assert (done.status, done.percent_complete) == ("completed", 100)
    assert done.progress_updates.get().evidence_name == "training report.pdf"

    # The state page shows the agreement in the cooperation network picture and table.
    page.goto("/member-states/turkiye/")
    network = page.locator("section.cooperation-network")
    expect(network.locator("svg.network-chart rect.status-in_force")).to_have_count(1)
    row = network.locator("table.network-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("Korea SMEs and Startups Agency (KOSME)")
    expect(row.locator("td").last).to_have_text("1")
    expect(network.get_by_text("Matchmaking forum in Seoul")).to_be_visible()

    # Nigeria's focal point sees the public fields only.
    page.context.clear_cookies()
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.goto(f"/agreements/{agreement.pk}/")
    content = page.locator("main").inner_text()
    assert "Memorandum of Understanding between KOSGEB and KOSME" in content
    assert "In force" in content and "30 June 2027" in content
    assert "Trainings and matchmaking" not in content
    assert "Training of SME counsellors" not in content
    expect(page.get_by_role("link", name="Download the text of the agreement")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit the agreement")).to_have_count(0)
    assert page.goto(f"/agreements/{agreement.pk}/text/").status == 404

    # The expiry reminder goes once at 90 days and once at 30 days.
    def expiry_mail():
        return [m for m in mailoutbox if "ends in" in m.subject]

    for days in (90, 90, 89, 30, 30, 29):
        date = VALID_UNTIL - datetime.timedelta(days=days)
        call_command("send_reminders", "--date", date.isoformat())
    subjects = sorted((m.subject, tuple(m.to)) for m in expiry_mail())
    assert len(subjects) == 4  # the focal point and the Secretariat, at 90 and at 30 days
    assert sum("90 days" in s for s, _ in subjects) == 2
    assert sum("30 days" in s for s, _ in subjects) == 2

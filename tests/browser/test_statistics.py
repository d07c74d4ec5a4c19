"""A data call from opening to the published scoreboard, in the browser: the Secretariat opens
the call in the admin; Nigeria's focal point fills the grid, is told a share of 140 % is
impossible, corrects it and submits; Türkiye's focal point uploads its filled-in template;
the Secretariat returns one cell with a comment, Türkiye corrects it, the Secretariat validates
and publishes; the scoreboard shows both states; the CSV export has the published rows only."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from core.clock import secretariat_today
from indicators.models import DataCall, IndicatorValue
from tests.factories import IndicatorFactory

from .test_consultation import log_in, new_page  # noqa: F401 (a fixture)


@pytest.fixture
def indicators(db):
    return [
        IndicatorFactory(
            code="sme-employment-share", name="SME share of employment", unit="percent"
        ),
        IndicatorFactory(code="sme-count", name="Number of SMEs", unit="count", decimals=0),
    ]


def admin_action(page, label):
    page.get_by_role("combobox", name="Action").select_option(label=label)
    page.get_by_role("button", name="Go").click()


@pytest.mark.django_db(transaction=True)
def test_a_data_call_from_opening_to_the_published_scoreboard(
    new_page,  # noqa: F811
    secretariat,
    nigeria_focal,
    turkiye_focal,
    indicators,
    tmp_path,
):
    # The Secretariat opens the 2025 data call in the admin.
    admin = new_page()
    log_in(admin, "secretariat", "/admin/login/")
    admin.goto("/admin/indicators/datacall/add/")
    admin.get_by_label("Reference year").fill("2025")
    admin.get_by_label("SME share of employment").check()
    admin.get_by_label("Number of SMEs").check()
    deadline = secretariat_today() + datetime.timedelta(days=20)
    admin.get_by_label("Deadline").fill(deadline.isoformat())
    admin.get_by_role("button", name="Save", exact=True).click()
    call = DataCall.objects.get()
    assert call.opened_by == secretariat

    # Nigeria's focal point fills the grid; a share of 140 % is refused, then corrected.
    nigeria = new_page()
    log_in(nigeria, "focal.nigeria")
    nigeria.goto("/statistics/")
    nigeria.get_by_role("link", name="Data call 2025").click()
    nigeria.get_by_label("SME share of employment", exact=True).fill("140")
    nigeria.get_by_label("Number of SMEs", exact=True).fill("3651000")
    nigeria.get_by_role("button", name="Save as draft").click()
    error = nigeria.locator("#err-sme-employment-share")
    assert error.inner_text() == "A share must be between 0 and 100 %."
    assert not IndicatorValue.objects.exists()
    nigeria.get_by_label("SME share of employment", exact=True).fill("48.1")
    nigeria.get_by_role("button", name="Save as draft").click()
    nigeria.get_by_role("button", name="Submit to the Secretariat").click()
    assert "2 figure(s) submitted" in nigeria.locator(".message").first.inner_text()

    # Türkiye's focal point downloads the template, fills it in and uploads it.
    turkiye = new_page()
    log_in(turkiye, "focal.turkiye")
    turkiye.goto(call.get_absolute_url())
    with turkiye.expect_download() as download:
        turkiye.get_by_role("link", name="Download Türkiye's template (.xlsx)").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    figures = {"sme-employment-share": 72.9, "sme-count": 3300000}
    for row in book.active.iter_rows(min_row=2):
        row[4].value = figures[row[0].value]
    book.save(path)
    turkiye.get_by_label("Filled-in template (.xlsx)").set_input_files(path)
    turkiye.get_by_role("button", name="Upload").click()
    assert "2 figure(s) read from the file" in turkiye.locator(".message").first.inner_text()
    turkiye.get_by_role("button", name="Submit to the Secretariat").click()

    # The Secretariat returns Türkiye's share with a comment.
    share = IndicatorValue.objects.get(
        state__slug="turkiye", indicator__code="sme-employment-share"
    )
    admin.goto(f"/admin/indicators/indicatorvalue/?state__id__exact={share.state_id}")
    admin.locator(f"input[name=_selected_action][value='{share.pk}']").check()
    admin_action(admin, "Return the selected values to their states with a comment")
    admin.get_by_label("Comment for the focal points:").fill("Please use the 2025 labour survey.")
    admin.get_by_role("button", name="Return to their states").click()
    assert "1 value(s) returned" in admin.locator("ul.messagelist").inner_text()

    # Türkiye sees the comment, corrects the figure and submits again.
    turkiye.goto(call.get_absolute_url())
    assert "Please use the 2025 labour survey." in turkiye.locator(".returned").inner_text()
    turkiye.get_by_label("SME share of employment", exact=True).fill("73.4")
    turkiye.get_by_role("button", name="Save as draft").click()
    turkiye.get_by_role("button", name="Submit to the Secretariat").click()

    # The Secretariat validates and publishes every figure.
    admin.goto("/admin/indicators/indicatorvalue/")
    admin.locator("#action-toggle").check()
    admin_action(admin, "Validate the selected submitted values")
    assert "4 value(s) validated" in admin.locator("ul.messagelist").inner_text()
    admin.locator("#action-toggle").check()
    admin_action(admin, "Publish the selected validated values")
    assert "4 value(s) published" in admin.locator("ul.messagelist").inner_text()

    # The scoreboard shows the chart and the table with both states.
    visitor = new_page()
    visitor.goto("/statistics/indicators/sme-employment-share/")
    chart = visitor.get_by_role("img", name="SME share of employment, 2025")
    assert chart.locator("rect").count() == 2
    table = visitor.locator("table.figures").first.inner_text()
    assert "Nigeria\t48.1" in table and "Türkiye\t73.4" in table

    # The CSV export has the published rows only.
    IndicatorValue.objects.create(
        indicator=indicators[0], state=share.state, year=2024, value=70, status="submitted"
    )
    with visitor.expect_download() as download:
        visitor.goto("/statistics/")
        visitor.get_by_role("button", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert sorted((r["scope"], r["indicator_code"], r["value"]) for r in rows) == [
        ("Nigeria", "sme-count", "3651000.0000"),
        ("Nigeria", "sme-employment-share", "48.1000"),
        ("Türkiye", "sme-count", "3300000.0000"),
        ("Türkiye", "sme-employment-share", "73.4000"),
    ]

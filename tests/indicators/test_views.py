import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import IndicatorValue

from ..factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MemberStateFactory,
    NationalDefinitionFactory,
    TargetFactory,
)

PUBLISHED = IndicatorValue.Status.PUBLISHED
SUBMITTED = IndicatorValue.Status.SUBMITTED


def grid_post(share_value="41.5", count_value="3651000", **extra):
    return {
        "sme-employment-share-value": share_value,
        "sme-count-value": count_value,
        **extra,
    }


def test_focal_point_sees_their_states_grid_with_last_years_value(
    client, data_call, share, nigeria, nigeria_focal
):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024, value="39.2")
    client.force_login(nigeria_focal)
    response = client.get(data_call.get_absolute_url())
    assert response.status_code == 200
    assert "Nigeria" in response.content.decode()
    assert "39.2" in response.content.decode()


def test_grid_saves_the_figures_as_drafts(client, data_call, nigeria, nigeria_focal):
    client.force_login(nigeria_focal)
    response = client.post(data_call.get_absolute_url(), grid_post())
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(state=nigeria, status="draft").count() == 2


def test_grid_shows_a_field_error_for_a_share_of_140_and_saves_nothing(
    client, data_call, nigeria_focal
):
    client.force_login(nigeria_focal)
    response = client.post(data_call.get_absolute_url(), grid_post(share_value="140"))
    assert response.status_code == 400
    assert "A share must be between 0 and 100 %." in response.content.decode()
    assert 'value="140"' in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_grid_refuses_text_for_a_number(client, data_call, nigeria_focal):
    client.force_login(nigeria_focal)
    response = client.post(data_call.get_absolute_url(), grid_post(count_value="many"))
    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_grid_errors_are_summed_up_at_the_top_each_linked_to_its_figure(
    client, data_call, share, nigeria_focal
):
    client.force_login(nigeria_focal)
    response = client.post(data_call.get_absolute_url(), grid_post(share_value="140"))
    page = response.content.decode()
    assert "Nothing was saved." in page
    message = "A share must be between 0 and 100 %."
    assert f'<a href="#id_sme-employment-share-value">{share}: {message}</a>' in page
    assert 'id="id_sme-employment-share-value"' in page
    assert page.count("data-error-summary") == 1


def test_submit_from_the_grid(client, data_call, nigeria_focal):
    client.force_login(nigeria_focal)
    client.post(data_call.get_absolute_url(), grid_post())
    response = client.post(f"{data_call.get_absolute_url()}submit/")
    assert response.status_code == 302
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {SUBMITTED}


def test_someone_who_speaks_for_no_state_gets_no_grid(client, data_call, delegate):
    client.force_login(delegate)
    assert client.get(data_call.get_absolute_url()).status_code == 404
    assert client.post(data_call.get_absolute_url(), grid_post()).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(client, data_call):
    response = client.get(data_call.get_absolute_url())
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_grid_of_a_focal_point_never_shows_another_states_draft(
    client, data_call, share, turkiye, nigeria_focal
):
    IndicatorValueFactory(indicator=share, state=turkiye, year=2025, value="77.7", status="draft")
    client.force_login(nigeria_focal)
    assert "77.7" not in client.get(data_call.get_absolute_url()).content.decode()


def test_scoreboard_shows_chart_and_table_of_published_figures(client, share, nigeria, turkiye):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024, value="48.1")
    IndicatorValueFactory(indicator=share, state=turkiye, year=2024, value="72.9")
    IndicatorValueFactory(indicator=share, state=turkiye, year=2023, value="71.0")
    response = client.get(share.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") >= 2
    assert "<rect" in page and "<polyline" in page
    assert "48.1" in page and "72.9" in page and "71.0" in page


def test_scoreboard_never_shows_an_unpublished_figure(client, share, nigeria, nigeria_focal):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024, value="48.1")
    IndicatorValueFactory(indicator=share, state=nigeria, year=2025, value="55.5", status=SUBMITTED)
    client.force_login(nigeria_focal)
    assert "55.5" not in client.get(share.get_absolute_url()).content.decode()


def test_scoreboard_shows_the_national_definitions_beside_the_figures(client, share, nigeria):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024)
    NationalDefinitionFactory(state=nigeria, max_employees=199, is_illustrative=True)
    page = client.get(share.get_absolute_url()).content.decode()
    assert "National SME definitions" in page
    assert "199" in page and "illustrative" in page


def test_scoreboard_of_an_unknown_year_answers_400(client, share):
    assert client.get(share.get_absolute_url(), {"year": "soon"}).status_code == 400


def _scoreboard_queries(client, indicator):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(indicator.get_absolute_url()).status_code == 200
    return len(queries)


def test_scoreboard_queries_do_not_grow_with_the_figures(client, share):
    states = [MemberStateFactory() for _ in range(4)]
    for state in states[:2]:
        IndicatorValueFactory(indicator=share, state=state, year=2024)
    small = _scoreboard_queries(client, share)
    for state in states:
        for year in range(2010, 2024):
            IndicatorValueFactory(indicator=share, state=state, year=year)
        NationalDefinitionFactory(state=state)
    assert _scoreboard_queries(client, share) == small


def test_target_page_shows_the_required_rate_and_whether_on_track(client, db):
    target = TargetFactory()
    IndicatorValueFactory(indicator=target.indicator, state=None, year=2024, value=157)
    IndicatorValueFactory(indicator=target.indicator, state=None, year=2025, value=175)
    page = client.get(target.get_absolute_url()).content.decode()
    assert "21.3 % a year" in page
    assert "behind the required path" in page  # 175 < 157 × 1.213


def test_state_page_has_a_statistics_section(client, share, nigeria):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2023, value="47.0")
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024, value="48.1")
    page = client.get(nigeria.get_absolute_url()).content.decode()
    assert "SME statistics" in page
    assert "48.1" in page and "<polyline" in page


def _csv(response):
    return list(
        csv.DictReader(
            io.StringIO(
                b"".join(response).decode() if response.streaming else response.content.decode()
            )
        )
    )


def test_csv_export_has_published_rows_only_for_a_focal_point(
    client, share, nigeria, nigeria_focal
):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024, value="48.1")
    IndicatorValueFactory(indicator=share, state=nigeria, year=2025, value="50", status="draft")
    client.force_login(nigeria_focal)
    rows = _csv(client.get("/statistics/export.csv"))
    assert [(r["scope"], r["year"], r["status"]) for r in rows] == [
        ("Nigeria", "2024", "published")
    ]


def test_csv_export_of_another_states_submitted_figure_is_empty(
    client, share, turkiye, nigeria_focal
):
    IndicatorValueFactory(indicator=share, state=turkiye, year=2025, status=SUBMITTED)
    client.force_login(nigeria_focal)
    assert _csv(client.get("/statistics/export.csv", {"state": "turkiye"})) == []


def test_secretariat_exports_every_status(client, share, nigeria, secretariat):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status=SUBMITTED)
    client.force_login(secretariat)
    assert [r["status"] for r in _csv(client.get("/statistics/export.csv"))] == ["submitted"]


def test_export_selects_indicators_states_and_years(client, share, count, nigeria, turkiye):
    for indicator in (share, count):
        for state in (nigeria, turkiye):
            for year in (2022, 2023, 2024):
                IndicatorValueFactory(indicator=indicator, state=state, year=year)
    query = {"indicator": "sme-count", "state": "turkiye", "year_from": 2023, "year_to": 2024}
    rows = _csv(client.get("/statistics/export.csv", query))
    assert [(r["indicator_code"], r["scope"], r["year"]) for r in rows] == [
        ("sme-count", "Türkiye", "2023"),
        ("sme-count", "Türkiye", "2024"),
    ]


def test_export_neutralises_formulas(client, nigeria):
    indicator = IndicatorFactory(name="=HYPERLINK(1)", code="formula")
    IndicatorValueFactory(indicator=indicator, state=nigeria, note="@SUM(A1)")
    rows = _csv(client.get("/statistics/export.csv"))
    assert rows[0]["indicator"] == "'=HYPERLINK(1)"
    assert rows[0]["source_note"] == "'@SUM(A1)"


def test_export_with_a_bad_year_answers_400(client):
    response = client.get("/statistics/export.csv", {"year_from": "last"})
    assert response.status_code == 400


def test_xlsx_export_is_a_workbook(client, share, nigeria):
    from openpyxl import load_workbook

    IndicatorValueFactory(indicator=share, state=nigeria, year=2024, value="48.1")
    response = client.get("/statistics/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][3:6] == ("Nigeria", 2024, 48.1)


@pytest.mark.parametrize("size", [2, 12])
def test_csv_export_queries_are_constant(client, share, size, django_assert_max_num_queries):
    states = [MemberStateFactory() for _ in range(3)]
    for state in states:
        for year in range(2000, 2000 + size):
            IndicatorValueFactory(indicator=share, state=state, year=year)
    with django_assert_max_num_queries(3):
        client.get("/statistics/export.csv")


def test_statistics_index_lists_the_indicators(client, share):
    assert "SME share of employment" in client.get("/statistics/").content.decode()


def test_statistics_index_offers_indicators_and_states_as_checkboxes(client, share, nigeria):
    page = client.get("/statistics/").content.decode()
    assert "<select" not in page
    assert "<legend>Indicators</legend>" in page and "<legend>Member states</legend>" in page
    assert 'type="checkbox" name="indicator" value="sme-employment-share"' in page
    assert 'type="checkbox" name="state" value="nigeria"' in page


def test_export_of_two_ticked_states_has_both_and_no_other(client, share, nigeria, turkiye):
    third = MemberStateFactory()
    for state in (nigeria, turkiye, third):
        IndicatorValueFactory(indicator=share, state=state, year=2024)
    rows = _csv(client.get("/statistics/export.csv", {"state": ["nigeria", "turkiye"]}))
    assert sorted(r["scope"] for r in rows) == ["Nigeria", "Türkiye"]

from indicators.reports import scoreboard_context

from ..factories import IndicatorValueFactory, NationalDefinitionFactory


def test_scoreboard_pdf_has_a_page_per_indicator_with_figures(client, share, count, nigeria):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2024, value="48.1")
    IndicatorValueFactory(indicator=count, state=nigeria, year=2024, value="3000")
    NationalDefinitionFactory(state=nigeria)
    context = scoreboard_context()
    assert [b["indicator"].code for b in context["boards"]] == ["sme-employment-share", "sme-count"]
    response = client.get("/statistics/scoreboard.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_scoreboard_pdf_leaves_out_unpublished_figures(share, nigeria):
    IndicatorValueFactory(indicator=share, state=nigeria, year=2025, status="submitted")
    assert scoreboard_context()["boards"] == []

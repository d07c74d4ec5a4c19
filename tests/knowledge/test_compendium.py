"""The compendium PDF: published practices only, grouped by pillar and state, with the
catalogue's filters, rendered by the meeting reports' machinery."""

import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from knowledge import reports
from knowledge.models import Pillar
from knowledge.reports import compendium_context
from tests.factories import BestPracticeFactory, MeetingFactory, ThemeFactory
from tests.pdf_checks import assert_tagged_pdfa

COMPENDIUM = "/best-practices/compendium.pdf"


def compendium_text(client, query=None):
    response = client.get(COMPENDIUM, query or {})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


@pytest.fixture
def practices(nigerian_practice, nigerian_draft, turkish_practice, unpublished_turkish, nigeria):
    BestPracticeFactory(
        state=nigeria,
        body=nigerian_practice.body,
        title="Cluster development training",
        pillar="",
        description="SMEDAN trains cluster facilitators.",
    )


def test_the_compendium_holds_every_published_practice_and_no_other(
    client, practices, turkiye_focal
):
    client.force_login(turkiye_focal)
    text = compendium_text(client)
    assert "Micro-finance for SMEs" in text
    assert "SME financing model" in text
    assert "Cluster development training" in text
    assert "Recycling of waste" not in text
    for status in ["draft", "submitted", "returned", "archived"]:
        assert f"Turkish {status} practice" not in text


@pytest.mark.parametrize(
    "query", [{"status": "draft"}, {"state": "turkiye"}, {"q": "draft practice"}]
)
def test_no_query_string_brings_an_unpublished_practice_into_the_compendium(
    client, practices, secretariat, query
):
    client.force_login(secretariat)
    text = compendium_text(client, query)
    assert "Turkish draft practice" not in text
    assert "Recycling of waste" not in text


def test_the_compendium_groups_by_pillar_then_state(client, practices):
    text = compendium_text(client)
    body = text[text.index("1. Access to finance") :]
    order = [
        "1. Access to finance",
        "Nigeria",
        "Micro-finance for SMEs",
        "Türkiye",
        "SME financing model",
        "2. Other SME policy areas",
        "Cluster development training",
    ]
    positions = [body.index(part) for part in order]
    assert positions == sorted(positions)


def test_the_compendium_applies_the_catalogues_filters_and_names_them(client, practices):
    text = compendium_text(client, {"pillar": "access_to_finance", "q": "banks"})
    assert "Micro-finance for SMEs" in text
    assert "SME financing model" in text
    assert "Cluster development training" not in text
    assert "Pillar: Access to finance" in text
    assert "Search: “banks”" in text


def test_the_compendium_of_a_search_finding_nothing_says_so(client, practices):
    text = compendium_text(client, {"q": "spaceflight"})
    assert "No published practice matches this selection." in text


@pytest.mark.parametrize(
    "query", [{"pillar": "quantum"}, {"year": "1800"}, {"q": "x" * 201}, {"state": "atlantis"}]
)
def test_bad_filters_answer_400(client, practices, query):
    response = client.get(COMPENDIUM, query)
    assert response.status_code == 400
    assert response.content.startswith(b"Invalid filters.")


def test_too_many_practices_for_one_compendium_answer_400(client, practices, monkeypatch):
    monkeypatch.setattr(reports, "COMPENDIUM_MAX_PRACTICES", 2)
    response = client.get(COMPENDIUM)
    assert response.status_code == 400
    assert b"narrow them" in response.content


def test_user_text_is_escaped_in_the_compendium_html(nigeria):
    BestPracticeFactory(state=nigeria, title="<img src='http://evil.example/x.png'> loans")
    html = render_to_string(reports.TEMPLATE, compendium_context({}))
    assert "<img src=" not in html
    assert "&lt;img src=" in html


def test_the_compendium_uses_the_reports_stylesheet_and_fonts(nigerian_practice):
    html = render_to_string(reports.TEMPLATE, compendium_context({}))
    assert 'href="/static/css/report.css"' in html


def test_the_compendium_reads_a_constant_number_of_queries(nigeria, smedan):
    def count(n):
        for _ in range(n):
            practice = BestPracticeFactory(
                state=nigeria, body=smedan, pillar=Pillar.ACCESS_TO_FINANCE
            )
            practice.themes.set([ThemeFactory()])
            practice.meetings.set([MeetingFactory()])
        with CaptureQueriesContext(connection) as queries:
            render_to_string(reports.TEMPLATE, compendium_context({}))
        return len(queries)

    assert count(2) == count(20)


def test_the_compendium_is_tagged_pdfa_with_its_title(client, practices):
    content = b"".join(client.get(COMPENDIUM).streaming_content)
    assert_tagged_pdfa(
        content, title="Best practices of the D-8 member states in SME policy – Compendium"
    )

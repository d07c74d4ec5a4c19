"""The compilation of comments of a consultation: PDF through the report machinery and XLSX,
with each state's position, every comment and the Secretariat's response, text kept as text."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from consultations.models import ConsultationComment
from consultations.reports import (
    consultation_compilation_context,
    consultation_compilation_render,
    consultation_compilation_workbook,
)
from consultations.services import consultation_answer, consultation_close
from tests.factories import ActionItemFactory, ActionPlanFactory, OpenConsultationFactory

TODAY = datetime.date(2026, 5, 20)


@pytest.fixture
def consultation(nigeria, turkiye, nigeria_focal, turkiye_focal, secretariat):
    plan = ActionPlanFactory(
        title="Action Plan for the D-8 SME Centre in Abuja", proposed_by=nigeria, status="draft"
    )
    ActionItemFactory(plan=plan, reference="NG-CTR-2", lead_state=nigeria)
    consultation = OpenConsultationFactory(
        title="Draft plan for the SME Centre",
        plan=plan,
        deadline=datetime.date(2026, 5, 31),
        states=[nigeria, turkiye],
    )
    nigerias = consultation_answer(
        consultation=consultation,
        user=nigeria_focal,
        state=nigeria,
        position="accept_with_comments",
        comments=[
            {"item": plan.items.get(), "text": "Add a staffing table for the Centre."},
            {"section": "Annex <b>B</b>", "text": '=HYPERLINK("http://evil.example") & <script>'},
        ],
        today=TODAY,
    )
    consultation_answer(
        consultation=consultation,
        user=turkiye_focal,
        state=turkiye,
        position="object",
        reasons="KOSGEB cannot fund the Centre's first year.",
        today=TODAY,
    )
    first = nigerias.comments.order_by("pk").first()
    first.response = ConsultationComment.Response.PARTLY_ACCEPTED
    first.response_reason = "A table of posts, without salaries."
    first.save()
    return consultation


def pdf_text(content):
    """The PDF's text with lines joined: table cells wrap."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_pdf_lists_positions_comments_and_responses(consultation, secretariat):
    consultation_close(consultation=consultation, user=secretariat)
    text = pdf_text(consultation_compilation_render(consultation=consultation).content)
    assert "Draft plan for the SME Centre" in text
    assert "Not adopted" in text
    assert "KOSGEB cannot fund the Centre's first year." in text
    assert "Add a staffing table for the Centre." in text
    assert "NG-CTR-2" in text
    assert "Partly accepted" in text
    assert "A table of posts, without salaries." in text
    assert "Pending" in text  # the second comment has no response yet


def test_the_pdf_escapes_what_states_typed(consultation):
    from django.template.loader import render_to_string

    html = render_to_string(
        "reports/consultation_compilation.html", consultation_compilation_context(consultation)
    )
    assert "<script>" not in html
    assert "Annex &lt;b&gt;B&lt;/b&gt;" in html


def test_the_pdf_of_an_open_consultation_says_so_and_lists_who_is_yet_to_answer(
    nigeria, turkiye, secretariat
):
    waiting = OpenConsultationFactory(title="Open draft", states=[nigeria, turkiye])
    text = pdf_text(consultation_compilation_render(consultation=waiting).content)
    assert "Consultation still open" in text
    assert text.count("No answer yet") == 2


def test_the_workbook_has_a_row_per_comment_with_the_response(consultation):
    workbook = load_workbook(
        io.BytesIO(consultation_compilation_workbook(consultation=consultation))
    )
    rows = list(workbook["Comments"].iter_rows(values_only=True))
    assert rows[0][0] == "Draft plan for the SME Centre"
    assert rows[3] == ("Member state", "Reference", "Comment", "Secretariat's response", "Reason")
    assert rows[4] == (
        "Nigeria",
        "NG-CTR-2",
        "Add a staffing table for the Centre.",
        "Partly accepted",
        "A table of posts, without salaries.",
    )
    assert rows[5][:4] == ("Nigeria", "Annex <b>B</b>", rows[5][2], "Pending")
    positions = list(workbook["Positions"].iter_rows(values_only=True))
    assert positions[1:] == [
        ("Nigeria", "Accept with comments", None, 2),
        ("Türkiye", "Object", "KOSGEB cannot fund the Centre's first year.", 0),
    ]


def test_the_workbook_keeps_a_comment_that_looks_like_a_formula_as_text(consultation):
    workbook = load_workbook(
        io.BytesIO(consultation_compilation_workbook(consultation=consultation))
    )
    cell = workbook["Comments"]["C6"]
    assert cell.value == "'" + '=HYPERLINK("http://evil.example") & <script>'
    assert cell.data_type == "s"

"""Meeting pages: draft outcomes for the Secretariat, draft documents for participants."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Document, Meeting, Outcome
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    ConsultationFactory,
    DocumentFactory,
    MeetingFactory,
    OpenConsultationFactory,
    OutcomeFactory,
    TaskForceFactory,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def meeting(db):
    return MeetingFactory(number=10, slug="10th-sme-bodies")


@pytest.fixture
def outcomes(meeting):
    final = OutcomeFactory(
        meeting=meeting, number=1, text="The meeting adopted the Abuja plan.", status="final"
    )
    draft = OutcomeFactory(
        meeting=meeting, number=2, text="The meeting may create a fund.", status="draft"
    )
    return final, draft


@pytest.fixture
def declaration(media, meeting):
    return DocumentFactory(
        meeting=meeting,
        kind=Document.Kind.DECLARATION,
        title="Istanbul Declaration",
        file=ContentFile(PDF, name="declaration.pdf"),
    )


@pytest.fixture
def draft_document(media, meeting):
    return DocumentFactory(
        meeting=meeting,
        kind=Document.Kind.DRAFT,
        title="Draft report",
        file=ContentFile(PDF, name="draft.pdf"),
    )


def meeting_page(client):
    return client.get("/meetings/10th-sme-bodies/").content.decode()


def download(response):
    return b"".join(response.streaming_content)


# Outcomes


@pytest.mark.parametrize("persona", [None, "delegate", "nigeria_focal"])
def test_draft_outcomes_are_hidden_from_everyone_but_the_secretariat(
    client, request, outcomes, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    page = meeting_page(client)

    assert "The meeting adopted the Abuja plan." in page
    assert "The meeting may create a fund." not in page


def test_draft_outcomes_are_shown_to_the_secretariat_marked_as_drafts(
    client, secretariat, outcomes
):
    client.force_login(secretariat)

    page = meeting_page(client)

    assert "The meeting adopted the Abuja plan." in page
    assert "The meeting may create a fund." in page
    assert 'Decision 2 <span class="status">Draft</span>' in page


def test_action_items_of_a_final_outcome_are_listed_under_it(client, outcomes, nigeria):
    final, draft = outcomes
    ActionItemFactory(reference="AI-NG-01", outcome=final, lead_state=nigeria)
    ActionItemFactory(reference="AI-NG-02", outcome=draft, lead_state=nigeria)

    page = meeting_page(client)

    assert "AI-NG-01" in page
    assert "AI-NG-02" not in page


@pytest.fixture
def nigerias_item(outcomes, nigeria):
    final, _ = outcomes
    return ActionItemFactory(
        reference="AI-NG-01", title="Open the SME Centre", outcome=final, lead_state=nigeria
    )


@pytest.mark.parametrize("persona", ["secretariat", "nigeria_focal"])
def test_action_item_is_linked_for_readers_who_may_open_it(client, request, nigerias_item, persona):
    client.force_login(request.getfixturevalue(persona))

    page = meeting_page(client)

    assert f'<a href="/action-items/{nigerias_item.pk}/">AI-NG-01 Open the SME Centre</a>' in page


@pytest.mark.parametrize("persona", [None, "delegate", "turkiye_focal"])
def test_action_item_is_named_without_a_link_for_readers_who_may_not_open_it(
    client, request, nigerias_item, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    page = meeting_page(client)

    assert "<li>AI-NG-01 Open the SME Centre — " in page
    assert f"/action-items/{nigerias_item.pk}/" not in page


def test_action_items_lead_state_is_linked(client, nigerias_item):
    page = meeting_page(client)

    assert '— <a href="/member-states/nigeria/">Nigeria</a>, due 31 December 2026' in page


def test_meeting_page_links_the_delegations_and_the_host(client, meeting, nigeria, smedan):
    Meeting.objects.filter(pk=meeting.pk).update(host_state=nigeria, host_body=smedan)
    AttendanceFactory(meeting=meeting, state=nigeria)

    page = meeting_page(client)

    assert '<td><a href="/member-states/nigeria/">Nigeria</a></td>' in page
    assert 'Istanbul, <a href="/member-states/nigeria/">Nigeria</a>' in page
    assert '(SMEDAN), <a href="/member-states/nigeria/">Nigeria</a></dd>' in page


def test_a_correction_links_the_outcome_it_corrects(client, outcomes):
    final, _ = outcomes
    OutcomeFactory(meeting=final.meeting, number=3, corrects=final, status="final")

    page = meeting_page(client)

    assert 'Corrects <a href="/meetings/10th-sme-bodies/#outcome-1">outcome 1</a>.' in page


def test_delegations_are_named_only_to_signed_in_users(client, delegate, meeting, nigeria):
    AttendanceFactory(meeting=meeting, state=nigeria, head_of_delegation="Hon. Minister")

    anonymous = meeting_page(client)
    client.force_login(delegate)
    signed_in = meeting_page(client)

    assert "Nigeria" in anonymous
    assert "Hon. Minister" not in anonymous
    assert "Hon. Minister" in signed_in


def test_unknown_meeting_is_404(client, db):
    assert client.get("/meetings/no-such-meeting/").status_code == 404


# Documents


def test_draft_document_is_not_listed_for_anonymous_visitors(client, declaration, draft_document):
    page = meeting_page(client)

    assert "Istanbul Declaration" in page
    assert "Draft report" not in page


def test_draft_document_is_listed_for_the_focal_points_of_a_state_taking_part(
    client, nigeria_focal, nigeria, meeting, declaration, draft_document
):
    AttendanceFactory(meeting=meeting, state=nigeria)
    client.force_login(nigeria_focal)

    assert "Draft report" in meeting_page(client)


@pytest.mark.parametrize("persona", ["delegate", "turkiye_focal"])
def test_draft_document_is_not_listed_for_users_whose_state_takes_no_part(
    client, request, nigeria, meeting, declaration, draft_document, persona
):
    AttendanceFactory(meeting=meeting, state=nigeria)
    client.force_login(request.getfixturevalue(persona))

    page = meeting_page(client)

    assert "Istanbul Declaration" in page
    assert "Draft report" not in page


def test_anonymous_visitor_gets_404_on_a_draft_document(client, draft_document):
    assert client.get(draft_document.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["nigeria_focal", "secretariat"])
def test_the_secretariat_and_a_delegations_focal_point_download_a_draft_document(
    client, request, nigeria, meeting, draft_document, persona
):
    AttendanceFactory(meeting=meeting, state=nigeria)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(draft_document.get_absolute_url())

    assert response.status_code == 200
    assert download(response) == PDF


def test_the_host_states_focal_point_downloads_a_draft_document(
    client, nigeria_focal, nigeria, meeting, draft_document
):
    Meeting.objects.filter(pk=meeting.pk).update(host_state=nigeria)
    client.force_login(nigeria_focal)

    assert client.get(draft_document.get_absolute_url()).status_code == 200


def test_a_consulted_states_focal_point_downloads_the_draft_under_consultation(
    client, turkiye_focal, turkiye, draft_document
):
    OpenConsultationFactory(plan=None, document=draft_document, states=[turkiye])
    client.force_login(turkiye_focal)

    assert client.get(draft_document.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", ["delegate", "turkiye_focal"])
def test_a_user_whose_state_takes_no_part_gets_404_on_a_draft_document(
    client, request, nigeria, meeting, draft_document, persona
):
    AttendanceFactory(meeting=meeting, state=nigeria)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(draft_document.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "kind",
    [Document.Kind.DECLARATION, Document.Kind.REPORT, Document.Kind.PRESENTATION, "other"],
)
def test_anonymous_visitor_downloads_a_document_that_is_not_a_draft(client, media, meeting, kind):
    doc = DocumentFactory(meeting=meeting, kind=kind, file=ContentFile(PDF, name="x.pdf"))

    response = client.get(doc.get_absolute_url())

    assert response.status_code == 200
    assert download(response) == PDF


def test_document_is_downloaded_as_an_attachment_named_after_its_title(client, declaration):
    response = client.get(declaration.get_absolute_url())

    assert response["Content-Disposition"] == 'attachment; filename="Istanbul Declaration.pdf"'


def test_document_cannot_be_reached_through_another_meetings_address(client, declaration, media):
    MeetingFactory(slug="other-meeting")

    response = client.get(f"/meetings/other-meeting/documents/{declaration.pk}/")

    assert response.status_code == 404


def test_document_without_a_file_is_404(client, meeting):
    doc = DocumentFactory(meeting=meeting, kind=Document.Kind.DECLARATION)

    assert client.get(f"/meetings/{meeting.slug}/documents/{doc.pk}/").status_code == 404


def test_document_whose_file_is_missing_is_404(client, declaration):
    declaration.file.storage.delete(declaration.file.name)

    assert client.get(declaration.get_absolute_url()).status_code == 404


def test_document_file_is_stored_under_a_generated_name(declaration, media):
    assert declaration.file.name.startswith("meetings/documents/")
    assert "declaration" not in declaration.file.name


# The list of meetings


def test_meeting_list_filters_by_kind(client, db):
    MeetingFactory(number=9, kind=Meeting.Kind.SME_BODIES)
    MeetingFactory(number=3, kind=Meeting.Kind.WGIC)

    response = client.get("/meetings/", {"kind": "wgic"})

    assert [m.kind for m in response.context["page"]] == ["wgic"]


def test_meeting_list_links_each_meetings_host_state(client, nigeria):
    MeetingFactory(host_state=nigeria, city="Abuja", format=Meeting.Format.HYBRID)

    page = client.get("/meetings/").content.decode()

    assert '<td>Abuja, <a href="/member-states/nigeria/">Nigeria</a> and online</td>' in page


def test_meeting_list_with_a_bad_year_shows_the_error_and_all_meetings(client, db):
    MeetingFactory(number=9)

    response = client.get("/meetings/", {"year": "abc"})

    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
    assert len(response.context["page"]) == 1


def test_meeting_list_filters_by_host_state_and_task_force(client, nigeria, turkiye):
    industry = TaskForceFactory(slug="industry")
    MeetingFactory(slug="abuja", host_state=nigeria)
    MeetingFactory(slug="abuja-industry", host_state=nigeria, task_force=industry)
    MeetingFactory(slug="ankara-industry", host_state=turkiye, task_force=industry)

    def listed(**query):
        return sorted(m.slug for m in client.get("/meetings/", query).context["page"])

    assert listed(host="nigeria") == ["abuja", "abuja-industry"]
    assert listed(task_force="industry") == ["abuja-industry", "ankara-industry"]
    assert listed(host="turkiye", task_force="industry") == ["ankara-industry"]


def test_meeting_list_with_an_unknown_host_state_shows_the_error_and_all_meetings(client, nigeria):
    MeetingFactory(host_state=nigeria)

    response = client.get("/meetings/", {"host": "atlantis"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert len(response.context["page"]) == 1


# Query counts stay the same at two sizes


def add_meetings(n, nigeria):
    task_force = TaskForceFactory()
    for i in range(n):
        meeting = MeetingFactory(
            host_state=nigeria,
            kind=Meeting.Kind.TASK_FORCE if i % 2 else Meeting.Kind.WORKSHOP,
            title="" if i % 2 else f"Workshop {i}",
            task_force=task_force if i % 2 else None,
            format=Meeting.Format.HYBRID,
        )
        AgendaItemFactory(meeting=meeting)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", [None, "delegate", "secretariat"])
def test_meeting_list_runs_the_same_queries_for_3_and_30_meetings(
    client, request, nigeria, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    add_meetings(3, nigeria)
    small = queries_for(client, "/meetings/")

    add_meetings(27, nigeria)
    large = queries_for(client, "/meetings/")

    assert small == large


def add_outcomes(meeting, n, nigeria):
    start = meeting.outcomes.count()
    for number in range(start + 1, start + n + 1):
        status = Outcome.Status.FINAL if number % 2 else Outcome.Status.DRAFT
        outcome = OutcomeFactory(meeting=meeting, number=number, status=status)
        ActionItemFactory(outcome=outcome, lead_state=nigeria)
        AgendaItemFactory(meeting=meeting, number=number)


@pytest.mark.parametrize("persona", [None, "secretariat", "nigeria_focal"])
def test_meeting_page_runs_the_same_queries_for_3_and_30_outcomes(
    client, request, meeting, nigeria, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    add_outcomes(meeting, 3, nigeria)
    small = queries_for(client, "/meetings/10th-sme-bodies/")

    add_outcomes(meeting, 27, nigeria)
    large = queries_for(client, "/meetings/10th-sme-bodies/")

    assert small == large


def test_a_draft_under_a_consultation_not_yet_circulated_stays_hidden_from_the_state(
    client, turkiye_focal, turkiye, draft_document
):
    ConsultationFactory(plan=None, document=draft_document, states=[turkiye])
    client.force_login(turkiye_focal)

    assert client.get(draft_document.get_absolute_url()).status_code == 404

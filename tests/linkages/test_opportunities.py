"""Opportunities through the pages: writing, the catalogue, contacts, interest and its thread."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.daily import registered
from linkages.models import InterestExpression, InterestMessage, LinkageNotice, Opportunity
from linkages.services import opportunities_expire
from tests.factories import FocalPointFactory, InterestExpressionFactory, OpportunityFactory

Status = Opportunity.Status


def _form(body, **changes):
    data = {
        "title": "Solar panels assembly",
        "body": body.pk,
        "sector": "C",
        "kind": "joint_venture",
        "location": "Konya",
        "size_min": "200000",
        "size_max": "800000",
        "description": "An assembler of solar panels seeks a partner.",
        "contact_name": "Deniz Yılmaz",
        "contact_email": "deniz@kosgeb.example",
        "contact_phone": "",
        "valid_until": "2031-01-31",
    }
    return {**data, **changes}


def test_a_focal_point_submits_an_opportunity_of_their_state(client, turkiye_focal, kosgeb):
    client.force_login(turkiye_focal)
    response = client.post(reverse("linkages:opportunity-create"), _form(kosgeb, submit="1"))
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert (opportunity.state.name, opportunity.status) == ("Türkiye", Status.SUBMITTED)
    assert opportunity.created_by == turkiye_focal


def test_a_size_range_upside_down_is_a_field_error_and_nothing_is_saved(
    client, turkiye_focal, kosgeb
):
    client.force_login(turkiye_focal)
    response = client.post(reverse("linkages:opportunity-create"), _form(kosgeb, size_min="900000"))
    assert response.status_code == 400
    assert "size_max" in response.context["form"].errors
    assert not Opportunity.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused(client, turkiye_focal, kosgeb, media):
    client.force_login(turkiye_focal)
    fake = SimpleUploadedFile("brochure.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(reverse("linkages:opportunity-create"), _form(kosgeb, attachment=fake))
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert not Opportunity.objects.exists()


def test_a_focal_point_cannot_write_for_another_states_body(client, nigeria_focal, kosgeb):
    client.force_login(nigeria_focal)
    response = client.post(reverse("linkages:opportunity-create"), _form(kosgeb))
    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert not Opportunity.objects.exists()


def test_a_focal_point_cannot_edit_another_states_opportunity(client, nigeria_focal, turkish_draft):
    client.force_login(nigeria_focal)
    url = reverse("linkages:opportunity-edit", args=[turkish_draft.pk])
    response = client.post(url, _form(turkish_draft.body, title="Taken over"))
    assert response.status_code == 404
    turkish_draft.refresh_from_db()
    assert turkish_draft.title == "Olive oil exporters"


def test_another_states_draft_is_not_found(client, nigeria_focal, turkish_draft):
    client.force_login(nigeria_focal)
    response = client.get(turkish_draft.get_absolute_url())
    assert response.status_code == 404


def test_the_catalogue_shows_published_opportunities_only(
    client, turkish_opportunity, turkish_draft
):
    response = client.get(reverse("linkages:opportunities"))
    assert list(response.context["page"]) == [turkish_opportunity]


def test_the_catalogue_finds_an_opportunity_by_its_words(client, turkish_opportunity, nigeria):
    OpportunityFactory(state=nigeria, title="Cassava processing plant", location="Ogun")
    response = client.get(reverse("linkages:opportunities"), {"q": "textile machinery"})
    assert list(response.context["page"]) == [turkish_opportunity]


def test_the_catalogue_filters_by_state_sector_kind_and_size(
    client, turkish_opportunity, nigeria, turkiye
):
    OpportunityFactory(state=nigeria, sector="A", kind="supplier", size_min=1, size_max=10)
    query = {"state": "turkiye", "sector": "C", "kind": "joint_venture", "size": "300000"}
    response = client.get(reverse("linkages:opportunities"), query)
    assert list(response.context["page"]) == [turkish_opportunity]


def test_bad_filters_answer_400(client, db):
    response = client.get(reverse("linkages:opportunities"), {"size": "-5"})
    assert response.status_code == 400


def test_the_catalogue_runs_the_same_queries_at_two_sizes(client, turkiye, kosgeb):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("linkages:opportunities"))
        return len(queries)

    OpportunityFactory(state=turkiye, body=kosgeb)
    few = count()
    OpportunityFactory.create_batch(5, state=turkiye, body=kosgeb)
    assert count() == few


def test_the_contact_needs_a_login(client, turkish_opportunity, delegate):
    anonymous = client.get(turkish_opportunity.get_absolute_url()).content.decode()
    assert "ayse.demir@example.org" not in anonymous
    client.force_login(delegate)
    signed_in = client.get(turkish_opportunity.get_absolute_url()).content.decode()
    assert "ayse.demir@example.org" in signed_in


@pytest.fixture
def kosgeb_colleague(kosgeb):
    return FocalPointFactory(body=kosgeb, email="ayse@kosgeb.example")


def test_interest_is_sent_to_the_owning_states_focal_points_once(
    client,
    nigeria_focal,
    turkiye_focal,
    kosgeb_colleague,
    turkish_opportunity,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(nigeria_focal)
    url = reverse("linkages:interest-create", args=[turkish_opportunity.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Our textile SMEs are interested."})
    interest = InterestExpression.objects.get()
    assert response.url == interest.get_absolute_url()
    assert interest.state.name == "Nigeria"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [turkiye_focal.focal_point.email, "ayse@kosgeb.example"]
    )
    assert mailoutbox[0].subject == "Nigeria is interested in “Joint venture in textile machinery”"
    assert LinkageNotice.objects.filter(sent_at__isnull=False).count() == 2


def test_a_state_does_not_express_interest_in_its_own_opportunity(
    client, turkiye_focal, turkish_opportunity
):
    client.force_login(turkiye_focal)
    url = reverse("linkages:interest-create", args=[turkish_opportunity.pk])
    response = client.post(url, {"text": "Us?"})
    assert response.status_code == 403
    assert not InterestExpression.objects.exists()


def test_no_interest_in_another_states_draft_whatever_the_id(client, nigeria_focal, turkish_draft):
    client.force_login(nigeria_focal)
    url = reverse("linkages:interest-create", args=[turkish_draft.pk])
    response = client.post(url, {"text": "Hello"})
    assert response.status_code == 404
    assert not InterestExpression.objects.exists()


@pytest.fixture
def interest(turkish_opportunity, nigeria, nigeria_focal):
    interest = InterestExpressionFactory(
        opportunity=turkish_opportunity, state=nigeria, created_by=nigeria_focal
    )
    InterestMessage.objects.create(
        interest=interest, state=nigeria, author=nigeria_focal, text="We are interested."
    )
    return interest


def test_the_owning_state_answers_and_the_interested_state_is_emailed(
    client, interest, turkiye_focal, nigeria_focal, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(turkiye_focal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(interest.get_absolute_url(), {"text": "Welcome, let us talk."})
    assert response.status_code == 302
    assert interest.messages.last().state.name == "Türkiye"
    assert [m.to for m in mailoutbox] == [[nigeria_focal.focal_point.email]]
    assert "Welcome, let us talk." in mailoutbox[0].body


@pytest.mark.parametrize("persona", ["nigeria_focal", "turkiye_focal", "secretariat"])
def test_both_states_and_the_secretariat_read_the_thread(client, request, interest, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(interest.get_absolute_url()).status_code == 200


def test_a_third_state_cannot_read_or_write_in_the_thread(client, interest, iran_focal):
    client.force_login(iran_focal)
    assert client.get(interest.get_absolute_url()).status_code == 404
    assert client.post(interest.get_absolute_url(), {"text": "Me too"}).status_code == 404
    assert interest.messages.count() == 1


def test_the_secretariat_reads_but_does_not_write_in_the_thread(client, interest, secretariat):
    client.force_login(secretariat)
    response = client.post(interest.get_absolute_url(), {"text": "Noted"})
    assert response.status_code == 403
    assert interest.messages.count() == 1


def test_the_daily_work_expires_opportunities_past_their_date(turkiye, kosgeb):
    today = datetime.date(2031, 3, 1)
    old = OpportunityFactory(state=turkiye, body=kosgeb, valid_until=datetime.date(2031, 2, 28))
    current = OpportunityFactory(state=turkiye, body=kosgeb, valid_until=today)
    assert opportunities_expire(today=today) == [old]
    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, current.status) == (Status.EXPIRED, Status.PUBLISHED)


def test_the_sweep_command_runs_the_linkages_work(turkiye, kosgeb):
    OpportunityFactory(
        state=turkiye, body=kosgeb, title="Old one", valid_until=datetime.date(2020, 1, 1)
    )
    work = next(w for w in registered() if w.name == "linkages")
    today = datetime.date(2031, 1, 1)
    assert work.plan(today) == ["would expire opportunity “Old one”"]
    assert work.run(today) == ["expired opportunity “Old one”"]
    assert Opportunity.objects.get().status == Status.EXPIRED


def test_an_attachment_is_stored_and_served_to_those_who_see_the_opportunity(
    client, turkiye_focal, nigeria_focal, kosgeb, media
):
    client.force_login(turkiye_focal)
    brochure = SimpleUploadedFile("brochure.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    client.post(reverse("linkages:opportunity-create"), _form(kosgeb, attachment=brochure))
    opportunity = Opportunity.objects.get()
    url = reverse("linkages:opportunity-attachment", args=[opportunity.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(nigeria_focal)  # a draft of another state
    assert client.get(url).status_code == 404

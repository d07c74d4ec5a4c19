import pytest
from django.urls import reverse

from meetings.models import Outcome
from tests.factories import MeetingFactory, OutcomeFactory


def _meeting_form(meeting, **changes):
    data = {
        "kind": meeting.kind,
        "number": meeting.number,
        "title": meeting.title,
        "slug": meeting.slug,
        "format": meeting.format,
        "city": meeting.city,
        "venue": meeting.venue,
        "start_date": meeting.start_date.isoformat(),
        "end_date": meeting.end_date.isoformat(),
        "status": meeting.status,
        "summary": meeting.summary,
    }
    for prefix in ["agenda_items", "attendances", "outcomes", "outcomes-2", "documents"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


@pytest.mark.django_db
def test_final_outcome_page_is_read_only_and_offers_a_correction(client, secretariat):
    outcome = OutcomeFactory(status=Outcome.Status.FINAL, text="Adopt the plan.")
    client.force_login(secretariat)
    url = reverse("admin:meetings_outcome_change", args=[outcome.pk])
    page = client.get(url).content.decode()
    assert 'name="text"' not in page
    assert f"corrects={outcome.pk}" in page
    assert client.post(url, {"text": "Rewritten"}).status_code == 403


@pytest.mark.django_db
def test_correction_of_a_final_outcome_is_added_as_a_new_outcome(client, secretariat):
    final = OutcomeFactory(number=1, status=Outcome.Status.FINAL, text="Adopt the plan.")
    client.force_login(secretariat)
    client.post(
        reverse("admin:meetings_outcome_add"),
        {
            "meeting": final.meeting_id,
            "number": 2,
            "kind": "decision",
            "text": "Adopt the plan as amended.",
            "corrects": final.pk,
        },
    )
    correction = Outcome.objects.get(corrects=final)
    assert correction.status == Outcome.Status.DRAFT
    final.refresh_from_db()
    assert final.text == "Adopt the plan."


@pytest.mark.django_db
def test_meeting_page_shows_final_outcomes_read_only_and_drafts_editable(client, secretariat):
    meeting = MeetingFactory()
    OutcomeFactory(meeting=meeting, number=1, status=Outcome.Status.FINAL, text="Final text.")
    OutcomeFactory(meeting=meeting, number=2, text="Draft text.")
    client.force_login(secretariat)
    response = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    final_formset, draft_formset = (
        f.formset for f in response.context["inline_admin_formsets"] if f.opts.model is Outcome
    )
    assert [form.instance.text for form in final_formset] == ["Final text."]
    assert [form.instance.text for form in draft_formset] == ["Draft text."]
    page = response.content.decode()
    assert 'name="outcomes-2-0-text"' in page
    assert 'name="outcomes-0-text"' not in page


@pytest.mark.django_db
def test_publish_outcomes_action_makes_drafts_final_and_records_the_publisher(client, secretariat):
    meeting = MeetingFactory()
    draft = OutcomeFactory(meeting=meeting)
    client.force_login(secretariat)
    client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "publish_outcomes", "_selected_action": [meeting.pk]},
    )
    draft.refresh_from_db()
    meeting.refresh_from_db()
    assert draft.status == Outcome.Status.FINAL
    assert meeting.outcomes_published_by == secretariat
    assert draft.history.first().history_user == secretariat


@pytest.mark.django_db
def test_history_shows_an_edit_made_in_the_admin_with_its_author(client, secretariat):
    meeting = MeetingFactory(city="Istanbul")
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _meeting_form(meeting, city="Abuja"),
    )
    assert response.status_code == 302
    latest = meeting.history.first()
    assert (latest.history_user, latest.city) == (secretariat, "Abuja")
    page = client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    text = page.content.decode()
    assert "secretariat" in text
    assert "Istanbul" in text and "Abuja" in text


@pytest.mark.django_db
def test_draft_outcome_page_offers_make_final(client, secretariat):
    draft = OutcomeFactory()
    client.force_login(secretariat)
    page = client.get(reverse("admin:meetings_outcome_change", args=[draft.pk])).content.decode()
    assert reverse("admin:meetings_outcome_make_final", args=[draft.pk]) in page


@pytest.mark.django_db
def test_make_final_asks_for_confirmation_and_changes_nothing_until_confirmed(client, secretariat):
    meeting = MeetingFactory()
    draft = OutcomeFactory(meeting=meeting, number=1)
    other = OutcomeFactory(meeting=meeting, number=2)
    client.force_login(secretariat)
    response = client.get(reverse("admin:meetings_outcome_make_final", args=[draft.pk]))
    assert response.status_code == 200
    assert "Yes, make final" in response.content.decode()
    assert list(response.context["drafts"]) == [draft, other]
    draft.refresh_from_db()
    assert draft.status == Outcome.Status.DRAFT


@pytest.mark.django_db
def test_confirmed_make_final_publishes_the_meetings_drafts(client, secretariat):
    meeting = MeetingFactory()
    draft = OutcomeFactory(meeting=meeting)
    client.force_login(secretariat)
    response = client.post(reverse("admin:meetings_outcome_make_final", args=[draft.pk]))
    assert response.url == reverse("admin:meetings_outcome_change", args=[draft.pk])
    draft.refresh_from_db()
    meeting.refresh_from_db()
    assert draft.status == Outcome.Status.FINAL
    assert meeting.outcomes_published_by == secretariat


@pytest.mark.django_db
def test_make_final_is_refused_to_a_focal_point(client, nigeria_focal):
    draft = OutcomeFactory()
    client.force_login(nigeria_focal)
    client.post(reverse("admin:meetings_outcome_make_final", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Outcome.Status.DRAFT


@pytest.mark.django_db
def test_meeting_slug_prefilled_from_the_kind_reads_with_hyphens(client, secretariat):
    meeting = MeetingFactory(kind="technical_session", number=1, slug="x")
    client.force_login(secretariat)
    client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _meeting_form(meeting, slug="technical_session-1"),
    )
    meeting.refresh_from_db()
    assert meeting.slug == "technical-session-1"

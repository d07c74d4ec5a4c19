"""Opportunities, events and nominations through the API, with the pages' rules."""

import datetime

import pytest

from linkages.models import Nomination, Opportunity
from tests.api_helpers import field_errors
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_anonymous_readers_get_published_opportunities_without_contacts(
    api, turkish_opportunity, turkish_draft
):
    (row,) = _rows(api.get("/api/v1/opportunities/"))
    assert row["title"] == "Joint venture in textile machinery"
    assert row["contact_email"] is None


def test_signed_in_readers_get_the_contact(api, turkish_opportunity, delegate):
    api.force_authenticate(delegate)
    (row,) = _rows(api.get("/api/v1/opportunities/"))
    assert row["contact_email"] == "ayse.demir@example.org"


def test_the_api_searches_and_filters_as_the_catalogue(api, turkish_opportunity, nigeria):
    assert _rows(api.get("/api/v1/opportunities/", {"q": "textile", "state": "turkiye"}))
    assert not _rows(api.get("/api/v1/opportunities/", {"q": "textile", "state": "nigeria"}))
    assert not _rows(api.get("/api/v1/opportunities/", {"size": "1"}))


def test_another_states_draft_is_404_through_the_api(api, nigeria_focal, turkish_draft):
    api.force_authenticate(nigeria_focal)
    assert api.get(f"/api/v1/opportunities/{turkish_draft.pk}/").status_code == 404


def test_a_focal_point_nominates_through_the_api(
    api, nigeria_focal, iran_workshop, secretariat_clock
):
    secretariat_clock.set(datetime.date(2030, 4, 1))
    api.force_authenticate(nigeria_focal)
    data = {
        "event": iran_workshop.slug,
        "name": "Chinedu Okafor",
        "organisation": "Okafor Textiles",
        "email": "chinedu@okafor.example",
    }
    response = api.post("/api/v1/nominations/", data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "nigeria"


def test_a_nomination_without_email_answers_400_and_saves_nothing(
    api, nigeria_focal, iran_workshop
):
    api.force_authenticate(nigeria_focal)
    data = {"event": iran_workshop.slug, "name": "No Mail", "organisation": "SME"}
    response = api.post("/api/v1/nominations/", data, format="json")
    assert field_errors(response, "email")
    assert not Nomination.objects.exists()


def test_the_quota_holds_through_the_api(api, nigeria_focal, nigeria, iran_workshop):
    NominationFactory.create_batch(2, event=iran_workshop, state=nigeria)
    api.force_authenticate(nigeria_focal)
    data = {
        "event": iran_workshop.slug,
        "name": "Third",
        "organisation": "SME",
        "email": "third@example.org",
    }
    response = api.post("/api/v1/nominations/", data, format="json")
    assert response.status_code == 400
    assert Nomination.objects.count() == 2


def test_a_focal_point_reads_only_their_own_states_nominations(
    api, nigeria_focal, nigeria, turkiye, iran_workshop
):
    mine = NominationFactory(event=iran_workshop, state=nigeria)
    theirs = NominationFactory(event=iran_workshop, state=turkiye)
    api.force_authenticate(nigeria_focal)
    assert [row["id"] for row in _rows(api.get("/api/v1/nominations/"))] == [mine.pk]
    assert api.get(f"/api/v1/nominations/{theirs.pk}/").status_code == 404


def test_anonymous_readers_get_no_nominations(api, iran_workshop, nigeria):
    NominationFactory(event=iran_workshop, state=nigeria)
    assert api.get("/api/v1/nominations/").status_code in (401, 403)


def test_the_host_declines_with_a_reason_through_the_api(api, iran_focal, nigeria, iran_workshop):
    nomination = NominationFactory(event=iran_workshop, state=nigeria)
    api.force_authenticate(iran_focal)
    url = f"/api/v1/nominations/{nomination.pk}/decide/"
    assert field_errors(api.post(url, {"decision": "decline"}, format="json"), "reason")
    response = api.post(url, {"decision": "decline", "reason": "Full"}, format="json")
    assert response.json()["status"] == "declined"


def test_a_nominating_state_cannot_decide_through_the_api(
    api, nigeria_focal, nigeria, iran_workshop
):
    nomination = NominationFactory(event=iran_workshop, state=nigeria)
    api.force_authenticate(nigeria_focal)
    url = f"/api/v1/nominations/{nomination.pk}/decide/"
    response = api.post(url, {"decision": "confirm"}, format="json")
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == "nominated"


def test_events_are_public_and_filtered(api, iran_workshop):
    rows = _rows(api.get("/api/v1/events/", {"coming": "true", "host_state": "iran"}))
    assert [row["slug"] for row in rows] == [iran_workshop.slug]
    assert not _rows(api.get("/api/v1/events/", {"coming": "false"}))


def _draft(**changes):
    return {
        "title": "Solar panel assembly",
        "sector": "C",
        "kind": "joint_venture",
        "location": "Konya",
        "size_min": 100000,
        "size_max": 900000,
        "description": "An assembler seeks a partner.",
        "contact_name": "Deniz Yılmaz",
        "contact_email": "deniz@kosgeb.example",
        "valid_until": "2031-01-31",
        **changes,
    }


def test_a_focal_point_creates_and_submits_a_draft_through_the_api(api, turkiye_focal, kosgeb):
    api.force_authenticate(turkiye_focal)
    response = api.post("/api/v1/opportunities/", _draft(), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["state"], response.json()["status"]) == ("turkiye", "draft")
    url = f"/api/v1/opportunities/{response.json()['id']}/submit/"
    assert api.post(url).json()["status"] == "submitted"


def test_a_size_range_upside_down_answers_400_through_the_api(api, turkiye_focal, kosgeb):
    api.force_authenticate(turkiye_focal)
    response = api.post("/api/v1/opportunities/", _draft(size_min=999999999), format="json")
    assert field_errors(response, "size_max")
    assert not Opportunity.objects.exists()


def test_a_focal_point_cannot_change_another_states_draft_through_the_api(
    api, nigeria_focal, turkish_draft
):
    api.force_authenticate(nigeria_focal)
    url = f"/api/v1/opportunities/{turkish_draft.pk}/"
    assert api.patch(url, {"title": "Taken"}, format="json").status_code == 404
    assert api.post(f"{url}submit/").status_code == 404
    turkish_draft.refresh_from_db()
    assert (turkish_draft.title, turkish_draft.status) == ("Olive oil exporters", "draft")


def test_a_submitted_opportunity_cannot_change_through_the_api(api, turkiye_focal, turkish_draft):
    turkish_draft.submit()
    api.force_authenticate(turkiye_focal)
    url = f"/api/v1/opportunities/{turkish_draft.pk}/"
    assert api.patch(url, {"title": "Changed"}, format="json").status_code == 409

"""The API as a whole: its root, schema and docs, throttling, and errors that never become 500."""

import pytest
import yaml
from django.core.management import call_command
from django.db import IntegrityError

from memberstates.api import MoUAccessionSerializer
from memberstates.models import MoUAccession
from tests.factories import MoUAccessionFactory, MoUFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "member-states",
    "sme-bodies",
    "focal-points",
    "mous",
    "mou-accessions",
    "task-forces",
    "meetings",
    "agenda-items",
    "delegations",
    "outcomes",
    "action-plans",
    "action-items",
    "progress-updates",
    "consultations",
    "best-practices",
    "opportunities",
    "events",
    "nominations",
    "partners",
    "agreements",
    "activities",
]


def test_api_root_lists_every_endpoint(api):
    response = api.get("/api/v1/")

    assert response.status_code == 200
    assert sorted(response.json()) == sorted(ENDPOINTS)


def test_schema_is_openapi_3_and_describes_every_endpoint(api):
    response = api.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for endpoint in ENDPOINTS:
        assert f"/api/v1/{endpoint}/" in schema["paths"]
    assert "/api/v1/action-items/{id}/progress-updates/" in schema["paths"]
    assert "/api/v1/consultations/{id}/answer/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_schema_generates_without_warnings_and_validates(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")


def test_schema_documents_the_filters(api):
    schema = yaml.safe_load(api.get("/api/schema/").content)
    parameters = {p["name"] for p in schema["paths"]["/api/v1/action-items/"]["get"]["parameters"]}

    assert {"state", "plan", "status", "overdue", "due_before", "due_after", "page"} <= parameters


def test_docs_page_loads_swagger_ui_from_the_portal_itself(client):
    response = client.get("/api/docs/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http" not in page.split("<body", 1)[1].replace("http-equiv", "")
    assert "<script>" not in page  # no inline script: the page's own CSP allows none


def test_docs_script_is_served_as_a_file(client):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def test_browsable_api_renders_for_browsers(client):
    response = client.get("/api/v1/meetings/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "Meeting List" in response.content.decode()


# Throttling


def test_anonymous_clients_are_throttled(api, settings):
    settings.API_THROTTLE_ANON = "3/minute"

    statuses = [api.get("/api/v1/member-states/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_a_new_forwarded_address_per_request_does_not_escape_the_throttle(api, settings):
    settings.API_THROTTLE_ANON = "3/minute"
    settings.TRUSTED_PROXIES = 0

    statuses = [
        api.get("/api/v1/member-states/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(api, settings):
    settings.API_THROTTLE_ANON = "1/minute"
    settings.TRUSTED_PROXIES = 1

    def get(client_address):
        # Every request arrives from the proxy, which appends the client's address.
        return api.get(
            "/api/v1/member-states/",
            REMOTE_ADDR="172.16.0.3",
            HTTP_X_FORWARDED_FOR=f"10.0.0.1, {client_address}",
        ).status_code

    assert [get("203.0.113.1"), get("203.0.113.1"), get("203.0.113.2")] == [200, 429, 200]


def test_throttled_answer_says_when_to_retry(api, settings):
    settings.API_THROTTLE_ANON = "1/minute"
    api.get("/api/v1/member-states/")

    response = api.get("/api/v1/member-states/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_signed_in_clients_are_throttled_per_account(api, settings, delegate, nigeria_focal):
    settings.API_THROTTLE_USER = "2/minute"
    api.force_authenticate(delegate)
    statuses = [api.get("/api/v1/member-states/").status_code for _ in range(3)]
    api.force_authenticate(nigeria_focal)

    assert statuses == [200, 200, 429]
    assert api.get("/api/v1/member-states/").status_code == 200


def test_each_test_starts_with_no_requests_counted(api, settings):
    # The earlier tests used up their allowance; the cache is emptied between tests.
    settings.API_THROTTLE_ANON = "1/minute"

    assert api.get("/api/v1/member-states/").status_code == 200


# Errors


def test_unknown_address_under_the_api_answers_404(api):
    assert api.get("/api/v1/summits/").status_code == 404


def test_unknown_page_answers_404(api):
    response = api.get("/api/v1/member-states/?page=9")

    assert response.status_code == 404
    assert "Invalid page" in response.json()["detail"]


def test_lost_race_to_a_unique_row_answers_409_and_saves_nothing(
    api, secretariat, nigeria, monkeypatch
):
    # Another request inserts the same accession between validation and saving.
    mou = MoUFactory(short_name="2015 MoU")
    MoUAccessionFactory(mou=mou, state=nigeria)
    monkeypatch.setattr(MoUAccessionSerializer, "get_validators", lambda self: [])
    monkeypatch.setattr(MoUAccessionSerializer, "validate", lambda self, attrs: attrs)
    api.force_login(secretariat)

    response = api.post("/api/v1/mou-accessions/", {"mou": "2015 MoU", "state": "nigeria"})

    assert response.status_code == 409
    assert "nothing was saved" in response.json()["detail"]
    assert MoUAccession.objects.count() == 1


def test_integrity_errors_outside_writes_are_not_swallowed():
    from core.api import exception_handler

    response = exception_handler(IntegrityError("duplicate key"), {})

    assert response.status_code == 409


def test_nul_character_in_a_related_records_name_answers_400(api, secretariat, nigeria):
    # Found by schemathesis: PostgreSQL refuses NUL in text, which used to answer 500.
    MoUFactory(short_name="2015 MoU")
    api.force_login(secretariat)

    response = api.post("/api/v1/mou-accessions/", {"mou": "2015 MoU", "state": "nige\x00ria"})

    assert "does not exist" in response.json()["state"][0]
    assert not MoUAccession.objects.exists()


@pytest.fixture
def one_of_each(nigeria, turkiye, smedan, nigeria_focal):
    from meetings.models import Outcome
    from tests.factories import (
        ActionItemFactory,
        ActionPlanFactory,
        ActivityFactory,
        AgendaItemFactory,
        AttendanceFactory,
        BestPracticeFactory,
        EventFactory,
        MeetingFactory,
        NominationFactory,
        OpenConsultationFactory,
        OpportunityFactory,
        OutcomeFactory,
        ProgressUpdateFactory,
        TaskForceFactory,
    )

    meeting = MeetingFactory(slug="9th-sme")
    outcome = OutcomeFactory(meeting=meeting)
    Outcome.objects.filter(pk=outcome.pk).update(status=Outcome.Status.FINAL)
    plan = ActionPlanFactory(slug="sme-centre")
    item = ActionItemFactory(plan=plan, lead_state=nigeria)
    return {
        "member-states": "nigeria",
        "sme-bodies": smedan.pk,
        "focal-points": nigeria_focal.focal_point.pk,
        "mous": (accession := MoUAccessionFactory(state=nigeria)).mou_id,
        "mou-accessions": accession.pk,
        "task-forces": TaskForceFactory(slug="smes").slug,
        "meetings": "9th-sme",
        "agenda-items": AgendaItemFactory(meeting=meeting).pk,
        "delegations": AttendanceFactory(meeting=meeting, state=turkiye).pk,
        "outcomes": outcome.pk,
        "action-plans": "sme-centre",
        "action-items": item.pk,
        "progress-updates": ProgressUpdateFactory(item=item, author=nigeria_focal).pk,
        "consultations": OpenConsultationFactory(states=[nigeria]).pk,
        "best-practices": BestPracticeFactory(state=nigeria, body=smedan, status="draft").pk,
        "opportunities": OpportunityFactory(state=nigeria, body=smedan, status="draft").pk,
        "events": EventFactory().pk,
        "nominations": NominationFactory(state=nigeria).pk,
        "partners": (activity := ActivityFactory(agreement__body=smedan)).agreement.partner.slug,
        "agreements": activity.agreement.pk,
        "activities": activity.pk,
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_record_is_read_at_its_own_address(api, nigeria_focal, one_of_each, endpoint):
    api.force_authenticate(nigeria_focal)

    response = api.get(f"/api/v1/{endpoint}/{one_of_each[endpoint]}/")

    assert response.status_code == 200, response.content
    assert response.json()["id"]

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Activity, Agreement, Partner
from tests.factories import ActivityFactory, AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def turkish_mou(kosgeb):
    agreement = AgreementFactory(
        body=kosgeb,
        summary="Confidential summary",
        text=ContentFile(PDF, name="mou.pdf"),
    )
    ActivityFactory(agreement=agreement, item__title="Draft study visit")
    return agreement


def test_anyone_reads_partners(api, db):
    PartnerFactory(name="UNIDO", kind=Partner.Kind.ORGANISATION, country="")
    response = api.get("/api/v1/partners/")
    assert [p["name"] for p in response.json()["results"]] == ["UNIDO"]


def test_only_the_secretariat_writes_partners(api, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    data = {"kind": "organisation", "name": "UNIDO", "slug": "unido"}
    assert api.post("/api/v1/partners/", data).status_code == 403
    assert not Partner.objects.exists()


def test_another_state_reads_the_public_fields_only(api, turkish_mou, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    body = api.get(f"/api/v1/agreements/{turkish_mou.pk}/").json()
    assert body["title"] == turkish_mou.title
    assert body["status"] == "in_force"
    assert (body["summary"], body["text_url"]) == (None, None)


def test_the_states_focal_point_reads_summary_and_text(api, turkish_mou, turkiye_focal):
    api.force_authenticate(turkiye_focal)
    body = api.get(f"/api/v1/agreements/{turkish_mou.pk}/").json()
    assert body["summary"] == "Confidential summary"
    assert body["text_url"] == f"/agreements/{turkish_mou.pk}/text/"


def test_another_states_draft_activity_is_404(api, turkish_mou, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    activity = Activity.objects.get()
    assert api.get("/api/v1/activities/").json()["results"] == []
    assert api.get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    response = api.patch(f"/api/v1/activities/{activity.pk}/", {"title": "Hijacked"})
    assert response.status_code == 404
    activity.item.refresh_from_db()
    assert activity.item.title == "Draft study visit"


def test_a_focal_point_cannot_change_another_states_agreement(api, turkish_mou, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    response = api.patch(f"/api/v1/agreements/{turkish_mou.pk}/", {"title": "Hijacked"})
    assert response.status_code == 403
    turkish_mou.refresh_from_db()
    assert turkish_mou.title != "Hijacked"


def test_a_focal_point_records_an_agreement(api, kosgeb, turkiye_focal):
    partner = PartnerFactory(slug="kosme")
    api.force_authenticate(turkiye_focal)
    response = api.post(
        "/api/v1/agreements/",
        {
            "title": "MoU between KOSGEB and KOSME",
            "body": "KOSGEB",
            "partner": "kosme",
            "status": "signed",
            "signed_on": "2026-02-01",
            "valid_until": "2029-01-31",
        },
    )
    assert response.status_code == 201, response.json()
    agreement = Agreement.objects.get()
    assert (agreement.body, agreement.partner, agreement.plan.proposed_by) == (
        kosgeb,
        partner,
        kosgeb.state,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("in_force_on", "2026-01-01"),
        ("valid_until", "2025-01-01"),
        ("partner", "no-such-partner"),
        ("body", "NOBODY"),
    ],
)
def test_bad_agreements_answer_400_with_the_field_and_save_nothing(
    api, kosgeb, turkiye_focal, field, value
):
    PartnerFactory(slug="kosme")
    api.force_authenticate(turkiye_focal)
    data = {
        "title": "MoU",
        "body": "KOSGEB",
        "partner": "kosme",
        "status": "in_force",
        "signed_on": "2026-02-01",
        "in_force_on": "2026-02-01",
        field: value,
    }
    response = api.post("/api/v1/agreements/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert not Agreement.objects.exists()


def test_a_focal_point_adds_an_activity_and_one_outside_the_validity_is_400(
    api, turkish_mou, turkiye_focal
):
    api.force_authenticate(turkiye_focal)
    data = {
        "agreement": turkish_mou.pk,
        "title": "Matchmaking forum",
        "kind": "matchmaking",
        "responsible": "partner",
        "start_date": "2027-02-01",
        "due_date": "2027-02-03",
    }
    assert api.post("/api/v1/activities/", data).status_code == 201
    late = api.post("/api/v1/activities/", {**data, "due_date": "2030-01-01"})
    assert late.status_code == 400
    assert "due_date" in late.json()
    assert Activity.objects.count() == 2


def _count(api, url):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_agreement_and_activity_lists_run_the_same_queries_at_two_sizes(api, kosgeb):
    for n in (2, 10):
        for _ in range(n):
            agreement = AgreementFactory(body=kosgeb, is_published=True)
            ActivityFactory(agreement=agreement, is_published=True)
        if n == 2:
            few = (_count(api, "/api/v1/agreements/"), _count(api, "/api/v1/activities/"))
    assert (_count(api, "/api/v1/agreements/"), _count(api, "/api/v1/activities/")) == few

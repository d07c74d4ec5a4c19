import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Activity, Agreement
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    PartnerFactory,
    SMEBodyFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def korean_agency():
    return PartnerFactory(name="Korean SME agency", acronym="KOSME", slug="kosme", country="KR")


@pytest.fixture
def turkish_mou(kosgeb, korean_agency):
    agreement = AgreementFactory(
        body=kosgeb,
        partner=korean_agency,
        title="MoU between KOSGEB and KOSME",
        summary="Confidential summary",
        text=ContentFile(PDF, name="mou.pdf"),
        text_name="mou.pdf",
    )
    ActivityFactory(agreement=agreement, item__title="Draft study visit to Seoul")
    return agreement


def _form(body, agency, **overrides):
    data = {
        "kind": "bilateral",
        "title": "MoU between KOSGEB and KOSME",
        "body": body.pk,
        "partner": agency.pk,
        "status": "in_force",
        "signed_on": "2026-02-01",
        "in_force_on": "2026-03-01",
        "valid_until": "2029-01-31",
    }
    return {**data, **overrides}


def test_another_states_focal_point_sees_the_public_fields_only(client, turkish_mou, nigeria_focal):
    client.force_login(nigeria_focal)
    page = client.get(turkish_mou.get_absolute_url()).content.decode()
    assert "MoU between KOSGEB and KOSME" in page
    assert "In force" in page
    assert "Confidential summary" not in page
    assert "Draft study visit" not in page
    assert "/text/" not in page


def test_the_states_focal_point_sees_documents_and_draft_activities(
    client, turkish_mou, turkiye_focal
):
    client.force_login(turkiye_focal)
    page = client.get(turkish_mou.get_absolute_url()).content.decode()
    assert "Confidential summary" in page
    assert "Draft study visit" in page
    assert f"/agreements/{turkish_mou.pk}/text/" in page


def test_a_published_agreement_shows_its_published_activities_to_everyone(client, turkish_mou):
    Agreement.objects.filter(pk=turkish_mou.pk).update(is_published=True)
    ActivityFactory(agreement=turkish_mou, item__title="Matchmaking forum", is_published=True)
    page = client.get(turkish_mou.get_absolute_url()).content.decode()
    assert "Matchmaking forum" in page
    assert "Draft study visit" not in page
    assert "Confidential summary" in page


def test_the_text_of_another_states_agreement_is_404(client, turkish_mou, nigeria_focal):
    client.force_login(nigeria_focal)
    assert client.get(f"/agreements/{turkish_mou.pk}/text/").status_code == 404


def test_the_states_focal_point_downloads_the_text(client, turkish_mou, turkiye_focal):
    client.force_login(turkiye_focal)
    response = client.get(f"/agreements/{turkish_mou.pk}/text/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_focal_point_records_an_agreement_in_the_browser(
    client, kosgeb, korean_agency, turkiye_focal
):
    client.force_login(turkiye_focal)
    upload = SimpleUploadedFile("MoU.pdf", PDF, content_type="application/pdf")
    response = client.post("/agreements/new/", {**_form(kosgeb, korean_agency), "text": upload})
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert (agreement.body, agreement.partner, agreement.text_name) == (
        kosgeb,
        korean_agency,
        "MoU.pdf",
    )
    assert agreement.plan is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [("in_force_on", "2026-01-01"), ("valid_until", "2025-12-31"), ("partner", "999999")],
)
def test_bad_agreements_get_a_field_error_and_nothing_is_saved(
    client, kosgeb, korean_agency, turkiye_focal, field, value
):
    client.force_login(turkiye_focal)
    response = client.post("/agreements/new/", _form(kosgeb, korean_agency, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_a_party_that_is_not_a_body_of_the_focal_points_state_is_refused(
    client, kosgeb, smedan, korean_agency, turkiye_focal
):
    client.force_login(turkiye_focal)
    response = client.post("/agreements/new/", _form(smedan, korean_agency))
    assert "body" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_guessing_another_states_agreement_to_edit_is_404_and_changes_nothing(
    client, turkish_mou, nigeria_focal, smedan
):
    client.force_login(nigeria_focal)
    url = f"/agreements/{turkish_mou.pk}/edit/"
    assert client.get(url).status_code == 404
    response = client.post(url, _form(smedan, turkish_mou.partner, title="Hijacked"))
    assert response.status_code == 404
    turkish_mou.refresh_from_db()
    assert turkish_mou.title == "MoU between KOSGEB and KOSME"


def test_a_focal_point_cannot_add_an_activity_to_another_states_agreement(
    client, turkish_mou, nigeria_focal
):
    client.force_login(nigeria_focal)
    url = f"/agreements/{turkish_mou.pk}/activities/new/"
    response = client.post(url, {"title": "x", "kind": "training", "responsible": "state"})
    assert response.status_code == 404
    assert Activity.objects.count() == 1


def test_a_focal_point_adds_an_activity_within_the_validity(client, turkish_mou, turkiye_focal):
    client.force_login(turkiye_focal)
    response = client.post(
        f"/agreements/{turkish_mou.pk}/activities/new/",
        {
            "title": "Expert exchange on credit guarantees",
            "kind": "expert_exchange",
            "responsible": "partner",
            "start_date": "2026-11-10",
            "due_date": "2026-11-20",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(item__title="Expert exchange on credit guarantees")
    assert activity.responsible == Activity.Responsible.PARTNER
    assert activity.item.lead_state == turkish_mou.body.state


def test_an_activity_outside_the_validity_is_a_field_error_in_the_browser(
    client, turkish_mou, turkiye_focal
):
    client.force_login(turkiye_focal)
    response = client.post(
        f"/agreements/{turkish_mou.pk}/activities/new/",
        {
            "title": "Too late",
            "kind": "training",
            "responsible": "state",
            "start_date": "2028-12-01",
            "due_date": "2029-02-01",
        },
    )
    assert "due_date" in response.context["form"].errors
    assert not Activity.objects.filter(item__title="Too late").exists()


def test_the_state_page_shows_the_cooperation_network_picture_and_table(
    client, turkish_mou, turkiye
):
    page = client.get(turkiye.get_absolute_url()).content.decode()
    assert "Cooperation network" in page
    assert '<svg class="network-chart"' in page
    assert 'class="bar status-in_force"' in page
    assert "Korean SME agency (KOSME)" in page
    assert "Draft study visit" not in page


def test_the_partner_page_lists_the_agreements_of_every_state(client, turkish_mou, smedan):
    AgreementFactory(body=smedan, partner=turkish_mou.partner, title="SMEDAN and KOSME")
    page = client.get(turkish_mou.partner.get_absolute_url()).content.decode()
    assert "MoU between KOSGEB and KOSME" in page
    assert "SMEDAN and KOSME" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _agreements(state, n):
    for _ in range(n):
        agreement = AgreementFactory(body=SMEBodyFactory(state=state), is_published=True)
        ActivityFactory(agreement=agreement, is_published=True)


def test_the_state_page_runs_the_same_queries_for_2_and_12_agreements(client, turkiye):
    _agreements(turkiye, 2)
    few = _queries(client, turkiye.get_absolute_url())
    _agreements(turkiye, 10)
    assert _queries(client, turkiye.get_absolute_url()) == few


def test_the_partner_pages_run_the_same_queries_for_2_and_12_agreements(client, turkiye):
    partner = PartnerFactory()
    for n in (2, 10):
        for _ in range(n):
            agreement = AgreementFactory(
                body=SMEBodyFactory(state=turkiye), partner=partner, is_published=True
            )
            ActivityFactory(agreement=agreement, is_published=True)
        if n == 2:
            few = (_queries(client, "/partners/"), _queries(client, partner.get_absolute_url()))
    assert (_queries(client, "/partners/"), _queries(client, partner.get_absolute_url())) == few


def test_an_agreements_plan_is_not_listed_with_the_d8_plans(client, api, turkish_mou):
    assert client.get(turkish_mou.plan.get_absolute_url()).status_code == 404
    assert client.get(f"{turkish_mou.plan.get_absolute_url()}report.pdf").status_code == 404
    slugs = [p["slug"] for p in api.get("/api/v1/action-plans/").json()["results"]]
    assert turkish_mou.plan.slug not in slugs
    assert turkish_mou.plan.title not in client.get("/").content.decode()


def test_an_activitys_item_page_leads_back_to_its_agreement(client, turkish_mou, turkiye_focal):
    client.force_login(turkiye_focal)
    item = Activity.objects.get().item
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'<a href="{turkish_mou.get_absolute_url()}">' in page

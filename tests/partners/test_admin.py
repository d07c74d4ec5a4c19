import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

EXPORTED = ["title", "state", "body", "partner", "status"]


def _export(client, file_format="0"):
    data = {"format": file_format, "resource": "0"}
    data.update({f"agreementresource_{name}": "on" for name in EXPORTED})
    return client.post(reverse("admin:partners_agreement_export"), data)


@pytest.mark.parametrize("file_format, content_type", [("0", "text/csv"), ("1", "spreadsheetml")])
def test_the_secretariat_exports_agreements_to_csv_and_xlsx(
    client, secretariat, kosgeb, file_format, content_type
):
    AgreementFactory(body=kosgeb, partner=PartnerFactory(name="UNIDO"), title="KOSGEB and UNIDO")
    client.force_login(secretariat)
    response = _export(client, file_format)
    assert content_type in response["Content-Type"]
    if file_format == "0":
        assert response.content.decode().splitlines()[1] == (
            "KOSGEB and UNIDO,Türkiye,KOSGEB,UNIDO,In force"
        )


def test_exported_text_never_runs_as_a_spreadsheet_formula(client, secretariat, kosgeb):
    AgreementFactory(body=kosgeb, title='=HYPERLINK("http://evil.example","x")')
    client.force_login(secretariat)
    row = _export(client).content.decode().splitlines()[1]
    assert row.startswith("\"'=HYPERLINK(")


def test_a_focal_point_cannot_export_agreements(client, turkiye_focal, kosgeb):
    AgreementFactory(body=kosgeb)
    client.force_login(turkiye_focal)
    assert _export(client).status_code == 302  # to the admin's login


def test_an_agreement_added_in_the_admin_gets_its_cooperation_plan(client, secretariat, kosgeb):
    partner = PartnerFactory()
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:partners_agreement_add"),
        {
            "kind": "bilateral",
            "title": "KOSGEB and a counterpart",
            "body": kosgeb.pk,
            "partner": partner.pk,
            "status": "signed",
            "signed_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    agreement = partner.agreements.get()
    assert agreement.plan.proposed_by == kosgeb.state

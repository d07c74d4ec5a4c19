"""API of member states, SME bodies, focal points, MoUs and accessions."""

import datetime

import pytest

from memberstates.models import FocalPoint, MemberState, MoUAccession
from tests.api_helpers import field_errors
from tests.factories import (
    FocalPointFactory,
    MemberStateFactory,
    MoUAccessionFactory,
    MoUFactory,
    SMEBodyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    return [row["slug"] for row in response.json()["results"]]


def test_anyone_lists_member_states_with_their_codes(api, nigeria, turkiye):
    response = api.get("/api/v1/member-states/")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert response.json()["results"][0] == {
        "id": nigeria.pk,
        "slug": "nigeria",
        "name": "Nigeria",
        "iso_code": "NG",
        "joined_on": "1997-06-15",
    }


def test_member_state_is_found_by_slug(api, turkiye):
    assert api.get("/api/v1/member-states/turkiye/").json()["name"] == "Türkiye"
    assert api.get("/api/v1/member-states/atlantis/").status_code == 404


def test_member_states_are_searched_and_ordered(api, nigeria, turkiye):
    assert slugs(api.get("/api/v1/member-states/?search=tür")) == ["turkiye"]
    assert slugs(api.get("/api/v1/member-states/?ordering=-name")) == ["turkiye", "nigeria"]


def test_sme_bodies_are_filtered_by_state(api, smedan, kosgeb):
    response = api.get("/api/v1/sme-bodies/?state=turkiye")

    assert [body["acronym"] for body in response.json()["results"]] == ["KOSGEB"]
    assert response.json()["results"][0]["state"] == "turkiye"


def test_unknown_state_in_a_filter_answers_400_naming_the_filter(api, smedan):
    response = api.get("/api/v1/sme-bodies/?state=atlantis")

    assert "valid choice" in field_errors(response, "state")[0]


def test_anonymous_clients_get_no_focal_points(api, nigeria_focal):
    response = api.get("/api/v1/focal-points/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_signed_in_users_read_active_focal_points_with_contact_details(
    api, delegate, smedan, nigeria_focal
):
    FocalPointFactory(body=smedan, full_name="Former Officer", is_active=False)
    api.force_authenticate(delegate)

    results = api.get("/api/v1/focal-points/").json()["results"]

    assert [(fp["full_name"], fp["body"], fp["state"]) for fp in results] == [
        ("Amina Bello", "SMEDAN", "nigeria")
    ]
    assert results[0]["email"].endswith("@example.org")


def test_the_secretariat_also_reads_inactive_focal_points(api, secretariat, smedan, nigeria_focal):
    FocalPointFactory(body=smedan, full_name="Former Officer", is_active=False)
    api.force_login(secretariat)

    response = api.get("/api/v1/focal-points/?state=nigeria&is_active=false")

    assert [fp["full_name"] for fp in response.json()["results"]] == ["Former Officer"]


def test_focal_points_are_filtered_by_body_and_role(api, delegate, nigeria_focal, turkiye_focal):
    api.force_authenticate(delegate)

    by_body = api.get("/api/v1/focal-points/?body=KOSGEB").json()["results"]
    alternates = api.get("/api/v1/focal-points/?role=alternate").json()["results"]

    assert [fp["full_name"] for fp in by_body] == ["Deniz Yılmaz"]
    assert alternates == []
    assert field_errors(api.get("/api/v1/focal-points/?is_active=yes"), "is_active")


def test_focal_point_cannot_change_contact_details_through_the_api(api, nigeria_focal):
    api.force_authenticate(nigeria_focal)
    own = FocalPoint.objects.get(user=nigeria_focal)

    response = api.patch(f"/api/v1/focal-points/{own.pk}/", {"phone": "+234 1 000"})

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.phone == ""


def test_mous_show_their_adherence(api, nigeria, turkiye):
    mou = MoUFactory(short_name="2015 MoU")
    MoUAccessionFactory(
        mou=mou,
        state=nigeria,
        status=MoUAccession.Status.SIGNED,
        signed_on=datetime.date(2015, 1, 27),
    )
    MoUAccessionFactory(mou=mou, state=turkiye)

    row = api.get("/api/v1/mous/").json()["results"][0]

    assert (row["short_name"], row["adherent_count"], row["state_count"]) == ("2015 MoU", 1, 2)


def test_accessions_are_filtered_by_state_mou_and_status(api, nigeria, turkiye):
    mou = MoUFactory(short_name="2015 MoU")
    signed = datetime.date(2015, 1, 27)
    MoUAccessionFactory(mou=mou, state=nigeria, status=MoUAccession.Status.SIGNED, signed_on=signed)
    MoUAccessionFactory(mou=mou, state=turkiye)
    MoUAccessionFactory(state=turkiye)

    def states(query):
        return [a["state"] for a in api.get(f"/api/v1/mou-accessions/?{query}").json()["results"]]

    assert states("mou=2015 MoU") == ["nigeria", "turkiye"]
    assert states("status=signed") == ["nigeria"]
    assert states("state=turkiye&mou=2015 MoU") == ["turkiye"]
    assert field_errors(api.get("/api/v1/mou-accessions/?status=lost"), "status")


def test_secretariat_records_an_accession(api, secretariat, nigeria):
    mou = MoUFactory(short_name="2015 MoU")
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/mou-accessions/",
        {"mou": "2015 MoU", "state": "nigeria", "status": "signed", "signed_on": "2015-01-27"},
    )

    assert response.status_code == 201, response.content
    accession = MoUAccession.objects.get()
    assert (accession.mou, accession.state, accession.signed_on) == (
        mou,
        nigeria,
        datetime.date(2015, 1, 27),
    )


def test_accession_against_the_model_rules_answers_400_and_saves_nothing(api, secretariat, nigeria):
    MoUFactory(short_name="2015 MoU")
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/mou-accessions/", {"mou": "2015 MoU", "state": "nigeria", "status": "signed"}
    )

    assert "signature date" in " ".join(field_errors(response, "non_field_errors"))
    assert not MoUAccession.objects.exists()


def test_second_accession_of_a_state_to_an_mou_answers_400(api, secretariat, nigeria):
    mou = MoUFactory(short_name="2015 MoU")
    MoUAccessionFactory(mou=mou, state=nigeria)
    api.force_login(secretariat)

    response = api.post("/api/v1/mou-accessions/", {"mou": "2015 MoU", "state": "nigeria"})

    assert field_errors(response, "non_field_errors")
    assert MoUAccession.objects.count() == 1


def test_secretariat_renames_a_member_state_and_the_answer_shows_it(api, secretariat, turkiye):
    api.force_login(secretariat)

    response = api.patch("/api/v1/member-states/turkiye/", {"name": "Republic of Türkiye"})

    assert response.status_code == 200
    assert response.json()["name"] == "Republic of Türkiye"
    turkiye.refresh_from_db()
    assert turkiye.name == "Republic of Türkiye"


def test_member_state_with_an_unknown_country_code_answers_400(api, secretariat):
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/member-states/",
        {"name": "Atlantis", "slug": "atlantis", "iso_code": "XX", "joined_on": "2030-01-01"},
    )

    assert field_errors(response, "iso_code")
    assert not MemberState.objects.filter(slug="atlantis").exists()


def test_secretariat_adds_a_focal_point(api, secretariat, smedan):
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/focal-points/",
        {
            "full_name": "Musa Ade",
            "body": "SMEDAN",
            "email": "musa@smedan.example",
            "role": "alternate",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["state"] == "nigeria"


def test_second_active_primary_focal_point_of_a_body_answers_400(api, secretariat, nigeria_focal):
    api.force_login(secretariat)

    response = api.post(
        "/api/v1/focal-points/",
        {"full_name": "Musa Ade", "body": "SMEDAN", "email": "musa@smedan.example"},
    )

    assert field_errors(response, "non_field_errors")
    assert FocalPoint.objects.count() == 1


def test_staff_without_the_model_permission_cannot_write(api, smedan):
    api.force_login(UserFactory(is_staff=True))

    response = api.patch(f"/api/v1/sme-bodies/{smedan.pk}/", {"website": "https://smedan.gov.ng"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    "url", ["/api/v1/member-states/", "/api/v1/sme-bodies/", "/api/v1/mou-accessions/"]
)
def test_focal_points_and_anonymous_clients_cannot_create_records(api, nigeria_focal, url):
    assert api.post(url, {}).status_code == 401
    api.force_authenticate(nigeria_focal)
    assert api.post(url, {}).status_code == 403


def test_nothing_is_deleted_through_the_api(api, secretariat, nigeria):
    api.force_login(secretariat)

    assert api.delete("/api/v1/member-states/nigeria/").status_code == 405
    assert MemberState.objects.filter(pk=nigeria.pk).exists()


def test_a_body_moved_to_another_state_keeps_the_unique_name_rule(api, secretariat, smedan, kosgeb):
    SMEBodyFactory(state=smedan.state, name=kosgeb.name, acronym="DUP")
    api.force_login(secretariat)

    response = api.patch(f"/api/v1/sme-bodies/{kosgeb.pk}/", {"state": "nigeria"})

    assert field_errors(response, "non_field_errors")
    kosgeb.refresh_from_db()
    assert kosgeb.state.slug == "turkiye"


def test_lists_come_in_pages_of_the_requested_size(api):
    for code in ["FR", "DE", "IT"]:
        MemberStateFactory(iso_code=code)

    response = api.get("/api/v1/member-states/?page_size=2")

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2
    assert response.json()["next"].endswith("page=2&page_size=2")

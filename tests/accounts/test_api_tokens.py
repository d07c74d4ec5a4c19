"""Personal API tokens: the page that creates, lists and revokes them; authenticating with one."""

import datetime
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, token_digest
from tests.factories import ActionItemFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


def create_token(client, name="Reporting script", lifetime="90"):
    response = client.post(PAGE, {"name": name, "lifetime": lifetime})
    assert response.status_code == 200, response.content
    match = re.search(r'<code class="secret">([^<]+)</code>', response.content.decode())
    return match.group(1) if match else None


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


# The page


def test_token_page_needs_a_login(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_signed_in_users_find_the_token_page_in_the_navigation(client, delegate):
    client.force_login(delegate)

    assert f'href="{PAGE}"' in client.get("/").content.decode()


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(client, nigeria_focal):
    client.force_login(nigeria_focal)

    secret = create_token(client)

    token = ApiToken.objects.get()
    assert secret.startswith("d8p_")
    assert (token.user, token.name, token.digest) == (
        nigeria_focal,
        "Reporting script",
        token_digest(secret),
    )
    assert secret not in {token.digest, token.hint}
    assert secret not in client.get(PAGE).content.decode()
    assert token.hint in client.get(PAGE).content.decode()


def test_the_page_answer_is_never_cached(client, nigeria_focal):
    client.force_login(nigeria_focal)

    response = client.post(PAGE, {"name": "Script", "lifetime": ""})

    assert "no-store" in response["Cache-Control"]


def test_token_lifetime_sets_its_expiry(client, nigeria_focal):
    client.force_login(nigeria_focal)

    create_token(client, lifetime="30")
    create_token(client, name="Forever", lifetime="")

    expiring, forever = ApiToken.objects.order_by("id")
    assert expiring.expires_at - timezone.now() > datetime.timedelta(days=29)
    assert forever.expires_at is None


def test_a_user_may_hold_several_tokens(client, nigeria_focal):
    client.force_login(nigeria_focal)

    first, second = create_token(client, "One"), create_token(client, "Two")

    assert first != second
    assert bearer(first).get("/api/v1/action-items/").status_code == 200
    assert bearer(second).get("/api/v1/action-items/").status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": "  ", "lifetime": "30"}, "name"), ({"name": "X", "lifetime": "7"}, "lifetime")],
)
def test_bad_token_form_shows_errors_and_creates_nothing(client, nigeria_focal, data, field):
    client.force_login(nigeria_focal)

    response = client.post(PAGE, data)

    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_token_count_is_capped(client, nigeria_focal):
    for n in range(ApiToken.MAX_PER_USER):
        ApiToken.issue(user=nigeria_focal, name=f"Token {n}")
    client.force_login(nigeria_focal)

    response = client.post(PAGE, {"name": "One more", "lifetime": "30"})

    assert "revoke one" in response.context["form"].non_field_errors()[0]
    assert ApiToken.objects.count() == ApiToken.MAX_PER_USER


def test_owner_revokes_a_token_and_it_stops_working(client, nigeria_focal):
    client.force_login(nigeria_focal)
    secret = create_token(client)
    token = ApiToken.objects.get()

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert bearer(secret).get("/api/v1/action-items/").status_code == 401


def test_another_user_cannot_revoke_a_token_by_its_id(client, nigeria_focal, turkiye_focal):
    token, secret = ApiToken.issue(user=nigeria_focal, name="Nigeria's script")
    client.force_login(turkiye_focal)

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert "Nigeria&#x27;s script" not in client.get(PAGE).content.decode()


def test_tokens_are_revoked_by_post_only(client, nigeria_focal):
    token, _ = ApiToken.issue(user=nigeria_focal, name="Script")
    client.force_login(nigeria_focal)

    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.exists()


# Authenticating with a token


def test_token_acts_as_its_owner(nigeria_focal, nigeria, turkiye):
    ActionItemFactory(reference="AI-NG-01", lead_state=nigeria)
    ActionItemFactory(reference="AI-TR-01", lead_state=turkiye)
    _, secret = ApiToken.issue(user=nigeria_focal, name="Script")

    results = bearer(secret).get("/api/v1/action-items/").json()["results"]

    assert [item["reference"] for item in results] == ["AI-NG-01"]


def test_token_use_is_recorded(nigeria_focal):
    token, secret = ApiToken.issue(user=nigeria_focal, name="Script")

    bearer(secret).get("/api/v1/member-states/")

    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    "header",
    ["Bearer d8p_not-a-real-token", "Bearer", "Bearer two words", "Bearer d8p_\u00e9"],
)
def test_wrong_token_answers_401_even_on_public_records(nigeria_focal, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/member-states/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_expired_token_answers_401_saying_so(nigeria_focal):
    _, secret = ApiToken.issue(
        user=nigeria_focal, name="Old", expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = bearer(secret).get("/api/v1/action-items/")

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_of_a_deactivated_user_answers_401(nigeria_focal):
    _, secret = ApiToken.issue(user=nigeria_focal, name="Script")
    nigeria_focal.is_active = False
    nigeria_focal.save()

    assert bearer(secret).get("/api/v1/member-states/").status_code == 401


def test_token_clients_need_no_csrf_token(nigeria_focal, nigeria):
    item = ActionItemFactory(lead_state=nigeria)
    _, secret = ApiToken.issue(user=nigeria_focal, name="Script")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    response = client.post(
        f"/api/v1/action-items/{item.pk}/progress-updates/",
        {"status": "in_progress", "narrative": "Done by the script."},
        format="json",
    )

    assert response.status_code == 201, response.content


def test_token_deleted_with_its_user():
    user = UserFactory()
    ApiToken.issue(user=user, name="Script")

    user.delete()

    assert not ApiToken.objects.exists()

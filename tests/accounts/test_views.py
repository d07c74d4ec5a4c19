import pytest
from django.core import mail


@pytest.mark.django_db
def test_focal_point_logs_in_and_lands_on_their_action_items(client, nigeria_focal):
    response = client.post(
        "/accounts/login/", {"username": "focal.nigeria", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).url == "/action-items/"


@pytest.mark.django_db
def test_delegate_lands_on_the_meetings_after_login(client, delegate):
    client.force_login(delegate)
    assert client.get("/accounts/after-login/").url == "/meetings/"


@pytest.mark.django_db
def test_secretariat_lands_on_the_admin_after_login(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/accounts/after-login/").url == "/admin/"


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_logs_nobody_in(client, nigeria_focal):
    response = client.post("/accounts/login/", {"username": "focal.nigeria", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_logins_are_locked_out_even_with_the_right_password(
    client, nigeria_focal, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "focal.nigeria", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "focal.nigeria", "password": "correct horse battery"}
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_ends_the_session(client, nigeria_focal):
    client.force_login(nigeria_focal)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, nigeria_focal):
    client.post("/accounts/password_reset/", {"email": nigeria_focal.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_url = client.get(path).url  # Django swaps the token for a session-bound one
    client.post(
        form_url, {"new_password1": "a new long pass 2026", "new_password2": "a new long pass 2026"}
    )
    nigeria_focal.refresh_from_db()
    assert nigeria_focal.check_password("a new long pass 2026")


@pytest.mark.django_db
def test_password_change_requires_the_old_password(client, nigeria_focal):
    client.force_login(nigeria_focal)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "wrong",
            "new_password1": "x long pass 2026",
            "new_password2": "x long pass 2026",
        },
    )
    assert response.status_code == 200
    nigeria_focal.refresh_from_db()
    assert nigeria_focal.check_password("correct horse battery")

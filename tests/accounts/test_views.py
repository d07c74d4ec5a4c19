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


def _log_in(client, password, *, forwarded):
    return client.post(
        "/accounts/login/",
        {"username": "focal.nigeria", "password": password},
        REMOTE_ADDR="172.16.0.3",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another(
    client, nigeria_focal, settings
):
    settings.TRUSTED_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong", forwarded="203.0.113.66")

    assert _log_in(client, "wrong", forwarded="203.0.113.66").status_code == 429
    assert _log_in(client, "correct horse battery", forwarded="203.0.113.1").status_code == 302


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_new_forwarded_address_does_not_escape_the_lock_out(
    client, nigeria_focal, settings
):
    settings.TRUSTED_PROXIES = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong", forwarded=f"203.0.113.{n}")

    assert _log_in(client, "correct horse battery", forwarded="203.0.113.99").status_code == 429


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


def _reset(client, email, client_address="203.0.113.1"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=client_address)


@pytest.mark.django_db
def test_password_reset_sends_at_most_the_allowance_to_one_address(client, nigeria_focal, settings):
    answers = [_reset(client, nigeria_focal.email, f"203.0.113.{n}").status_code for n in range(12)]

    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ADDRESS
    # The answer never tells that the address is over its allowance.
    assert set(answers) == {302}


@pytest.mark.django_db
def test_password_reset_answers_429_to_a_client_over_its_allowance(client, db, settings):
    addresses = [f"person{n}@example.org" for n in range(settings.PASSWORD_RESET_PER_CLIENT + 1)]

    answers = [_reset(client, address).status_code for address in addresses]

    assert answers[:-1] == [302] * settings.PASSWORD_RESET_PER_CLIENT
    assert answers[-1] == 429
    assert _reset(client, "another@example.org", "203.0.113.2").status_code == 302

"""Peer learning: a focal point asks another state for an exchange on a practice; the owning
state is e-mailed, answers, and either side closes the request."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from core.mail import render_email
from knowledge.models import ExchangeRequest
from tests.factories import (
    BestPracticeFactory,
    ExchangeRequestFactory,
    FocalPointFactory,
    MemberStateFactory,
    SMEBodyFactory,
    UserFactory,
)

Status = ExchangeRequest.Status
MESSAGE = "Could SMEDAN learn how the interest support works with partner banks?"


def _ask(client, practice, message=MESSAGE):
    return client.post(f"/best-practices/{practice.pk}/exchange/", {"message": message})


@pytest.fixture
def kosgeb_colleague(kosgeb):
    return FocalPointFactory(body=kosgeb, full_name="Ayşe Demir", email="ayse@kosgeb.example")


def test_a_focal_point_asks_another_state_for_an_exchange_and_its_focal_points_are_emailed(
    client,
    nigeria_focal,
    turkiye_focal,
    kosgeb_colleague,
    turkish_practice,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.SITE_URL = "https://portal.d8sme.example.org"
    client.force_login(nigeria_focal)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, turkish_practice)
    exchange = ExchangeRequest.objects.get()
    assert response.status_code == 302
    assert response.url == exchange.get_absolute_url()
    assert (exchange.requesting_state.name, exchange.requested_by, exchange.status) == (
        "Nigeria",
        nigeria_focal,
        Status.OPEN,
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [turkiye_focal.focal_point.email, "ayse@kosgeb.example"]
    )
    message = next(m for m in mailoutbox if m.to == ["ayse@kosgeb.example"])
    assert message.subject == "Nigeria asks for an exchange on “SME financing model”"
    assert MESSAGE in message.body
    assert f"https://portal.d8sme.example.org/exchanges/{exchange.pk}/" in message.body
    assert "You receive this because you are a focal point of Türkiye (KOSGEB)" in message.body


def test_inactive_focal_points_and_other_states_are_not_emailed(
    client,
    nigeria_focal,
    turkiye_focal,
    kosgeb,
    turkish_practice,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    FocalPointFactory(body=kosgeb, email="gone@kosgeb.example", is_active=False)
    client.force_login(nigeria_focal)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, turkish_practice)
    assert [m.to for m in mailoutbox] == [[turkiye_focal.focal_point.email]]


def test_a_state_does_not_ask_itself(client, turkiye_focal, turkish_practice, mailoutbox):
    client.force_login(turkiye_focal)
    assert _ask(client, turkish_practice).status_code == 403
    assert not ExchangeRequest.objects.exists()


@pytest.mark.parametrize("persona", ["delegate", "secretariat"])
def test_only_focal_points_ask_for_exchanges(client, request, turkish_practice, persona):
    client.force_login(request.getfixturevalue(persona))
    assert _ask(client, turkish_practice).status_code == 403
    assert not ExchangeRequest.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, turkish_practice):
    response = _ask(client, turkish_practice)
    assert response.status_code == 302
    assert not ExchangeRequest.objects.exists()


def test_no_exchange_on_another_states_unpublished_practice_whatever_the_id(
    client, nigeria_focal, unpublished_turkish
):
    client.force_login(nigeria_focal)
    for practice in unpublished_turkish.values():
        assert _ask(client, practice).status_code == 404
    assert not ExchangeRequest.objects.exists()


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001])
def test_a_bad_message_is_shown_and_nothing_is_sent(
    client, nigeria_focal, turkish_practice, mailoutbox, message
):
    client.force_login(nigeria_focal)
    response = _ask(client, turkish_practice, message)
    assert response.status_code == 400
    assert "message" in response.context["exchange_form"].errors
    assert not ExchangeRequest.objects.exists()
    assert not mailoutbox


def test_a_state_has_one_open_request_per_practice(client, nigeria_focal, turkish_practice):
    client.force_login(nigeria_focal)
    _ask(client, turkish_practice)
    response = _ask(client, turkish_practice, "Again?")
    assert response.status_code == 400
    assert "already has an open request" in response.content.decode()
    assert ExchangeRequest.objects.count() == 1


def test_the_practice_page_links_the_states_open_request_instead_of_the_form(
    client, nigeria_focal, turkish_practice
):
    client.force_login(nigeria_focal)
    _ask(client, turkish_practice)
    response = client.get(turkish_practice.get_absolute_url())
    assert response.context["exchange_form"] is None
    assert "see the request" in response.content.decode()


# Who sees and acts on a request


@pytest.fixture
def exchange(nigeria, nigeria_focal, turkish_practice):
    return ExchangeRequestFactory(
        practice=turkish_practice,
        requesting_state=nigeria,
        requested_by=nigeria_focal,
        message=MESSAGE,
    )


@pytest.fixture
def egypt_focal(db):
    egypt = MemberStateFactory(name="Egypt", slug="egypt", iso_code="EG")
    user = UserFactory(username="focal.egypt")
    FocalPointFactory(body=SMEBodyFactory(state=egypt, acronym="MSMEDA"), user=user)
    return user


@pytest.mark.parametrize("persona", ["nigeria_focal", "turkiye_focal", "secretariat"])
def test_both_states_and_the_secretariat_see_the_request(client, request, exchange, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(exchange.get_absolute_url()).status_code == 200
    assert [e.pk for e in client.get("/exchanges/").context["page"]] == [exchange.pk]


@pytest.mark.parametrize("persona", ["egypt_focal", "delegate"])
def test_a_third_state_and_delegates_cannot_see_the_request(client, request, exchange, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(exchange.get_absolute_url()).status_code == 404
    response = client.post(exchange.get_absolute_url(), {"action": "close"})
    assert response.status_code == 404
    exchange.refresh_from_db()
    assert exchange.status == Status.OPEN


def test_the_exchange_list_is_for_focal_points_and_the_secretariat(client, delegate):
    client.force_login(delegate)
    assert client.get("/exchanges/").status_code == 403


def test_the_owning_state_answers_and_the_asker_is_emailed(
    client, turkiye_focal, nigeria_focal, exchange, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(turkiye_focal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            exchange.get_absolute_url(), {"reply": "Gladly: we propose a call on 3 December."}
        )
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert (exchange.status, exchange.replied_by) == (Status.ANSWERED, turkiye_focal)
    [message] = mailoutbox
    assert message.to == [nigeria_focal.focal_point.email]
    assert message.subject == "Türkiye answered your request on “SME financing model”"
    assert "we propose a call on 3 December" in message.body
    assert "You receive this because you asked for this exchange for Nigeria." in message.body


@pytest.mark.parametrize("reply", ["Answering myself.", ""])
def test_the_asking_state_cannot_answer_its_own_request(client, nigeria_focal, exchange, reply):
    client.force_login(nigeria_focal)
    response = client.post(exchange.get_absolute_url(), {"reply": reply})
    assert response.status_code == 403
    exchange.refresh_from_db()
    assert (exchange.status, exchange.reply) == (Status.OPEN, "")


def test_an_empty_answer_is_refused(client, turkiye_focal, exchange):
    client.force_login(turkiye_focal)
    response = client.post(exchange.get_absolute_url(), {"reply": "  "})
    assert response.status_code == 400
    assert "reply" in response.context["reply_form"].errors
    exchange.refresh_from_db()
    assert exchange.status == Status.OPEN


@pytest.mark.parametrize("persona", ["nigeria_focal", "turkiye_focal", "secretariat"])
def test_either_state_or_the_secretariat_closes_the_request(client, request, exchange, persona):
    client.force_login(request.getfixturevalue(persona))
    client.post(exchange.get_absolute_url(), {"action": "close"})
    exchange.refresh_from_db()
    assert exchange.status == Status.CLOSED
    assert exchange.closed_at is not None


def test_a_closed_request_is_not_answered(client, turkiye_focal, exchange, mailoutbox):
    exchange.status = Status.CLOSED
    exchange.save()
    client.force_login(turkiye_focal)
    response = client.post(exchange.get_absolute_url(), {"reply": "Late answer."}, follow=True)
    assert "already been answered or closed" in response.content.decode()
    exchange.refresh_from_db()
    assert exchange.reply == ""


def test_the_exchange_list_runs_the_same_queries_for_3_and_30_requests(
    client, secretariat, turkish_practice
):
    codes = itertools.cycle(code for code, _ in countries if code not in {"TR", "NG"})
    client.force_login(secretariat)
    client.get("/exchanges/")

    def count(n):
        for _ in range(n):
            state = MemberStateFactory(iso_code=next(codes))
            practice = BestPracticeFactory(state=state)
            ExchangeRequestFactory(practice=practice, requesting_state=turkish_practice.state)
        with CaptureQueriesContext(connection) as queries:
            client.get("/exchanges/")
        return len(queries)

    assert count(3) == count(22)


# The e-mails themselves


@pytest.mark.parametrize(
    "name, reason",
    [
        ("exchange-requested", "You receive this because you are a focal point of Türkiye"),
        ("exchange-answered", "You receive this because you asked for this exchange"),
    ],
)
def test_each_exchange_email_has_text_and_html_with_link_reason_and_escaping(
    exchange, turkiye_focal, nigeria_focal, name, reason
):
    exchange.message = exchange.reply = "<script>alert(1)</script> & more"
    exchange.replied_by = turkiye_focal
    practice = exchange.practice
    practice.title = "Loans <b>now</b>"
    context = {
        "exchange": exchange,
        "practice": practice,
        "focal_point": turkiye_focal.focal_point,
        "asker": nigeria_focal,
    }
    message = render_email(name, context, to=["x@example.org"])
    html, mimetype = message.alternatives[0]
    link = f"/exchanges/{exchange.pk}/"
    assert mimetype == "text/html"
    assert link in message.body and f'{link}"' in html
    assert reason in message.body and reason in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "<script>alert(1)</script> & more" in message.body
    assert "Loans <b>now</b>" in message.subject and "\n" not in message.subject

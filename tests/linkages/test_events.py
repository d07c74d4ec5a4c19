"""Events and nominations: quota, deadline, the host's decisions, the participant list."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse

from linkages.models import Nomination
from linkages.reports import participant_list_render
from linkages.services import nomination_create, participants
from tests.factories import EventFactory, NominationFactory

Status = Nomination.Status
BEFORE_DEADLINE = datetime.date(2030, 4, 1)


def _nominate(client, event, **changes):
    data = {"name": "Chinedu Okafor", "organisation": "Okafor Textiles Ltd", "role": "CEO"}
    data["email"] = "chinedu@okafor.example"
    return client.post(reverse("linkages:nominate", args=[event.slug]), {**data, **changes})


@pytest.fixture
def before_deadline(secretariat_clock):
    secretariat_clock.set(BEFORE_DEADLINE)


def test_a_focal_point_nominates_a_participant_of_their_state(
    client, nigeria_focal, iran_workshop, before_deadline
):
    client.force_login(nigeria_focal)
    response = _nominate(client, iran_workshop)
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.state.name, nomination.status) == ("Nigeria", Status.NOMINATED)


def test_a_nomination_without_email_is_a_field_error(
    client, nigeria_focal, iran_workshop, before_deadline
):
    client.force_login(nigeria_focal)
    response = _nominate(client, iran_workshop, email="")
    assert response.status_code == 400
    assert "email" in response.context["nomination_form"].errors
    assert not Nomination.objects.exists()


def test_a_third_nomination_is_refused_for_the_quota(
    client, nigeria_focal, nigeria, iran_workshop, before_deadline
):
    NominationFactory.create_batch(2, event=iran_workshop, state=nigeria)
    client.force_login(nigeria_focal)
    response = _nominate(client, iran_workshop)
    assert response.status_code == 400
    assert "used its 2 place(s)" in response.content.decode()
    assert Nomination.objects.count() == 2


def test_a_declined_nomination_frees_its_place(nigeria_focal, nigeria, iran_workshop):
    NominationFactory(event=iran_workshop, state=nigeria)
    NominationFactory(event=iran_workshop, state=nigeria, status=Status.DECLINED, reason="Full")
    nomination_create(
        event=iran_workshop,
        user=nigeria_focal,
        state=nigeria,
        name="A",
        organisation="B",
        email="a@b.example",
        today=BEFORE_DEADLINE,
    )
    assert Nomination.objects.holding_places().count() == 2


def test_no_nomination_after_the_registration_deadline(nigeria_focal, nigeria, iran_workshop):
    with pytest.raises(ValidationError):
        nomination_create(
            event=iran_workshop,
            user=nigeria_focal,
            state=nigeria,
            name="Late",
            organisation="Late Ltd",
            email="late@example.org",
            today=datetime.date(2030, 5, 1),
        )
    assert not Nomination.objects.exists()


def test_a_focal_point_does_not_nominate_for_another_state(nigeria_focal, turkiye, iran_workshop):
    with pytest.raises(PermissionDenied):
        nomination_create(
            event=iran_workshop,
            user=nigeria_focal,
            state=turkiye,
            name="X",
            organisation="Y",
            email="x@y.example",
            today=BEFORE_DEADLINE,
        )


@pytest.mark.django_db(transaction=True)
def test_two_nominations_racing_for_the_last_place_never_both_succeed(nigeria_focal, nigeria, iran):
    event = EventFactory(host_state=iran, places_per_state=1)
    first_holds_the_lock = threading.Event()
    results = {}

    def nominate(name, hold):
        try:
            with transaction.atomic():
                nomination_create(
                    event=event,
                    user=nigeria_focal,
                    state=nigeria,
                    name=name,
                    organisation="SME",
                    email=f"{name}@example.org",
                )
                if hold:
                    first_holds_the_lock.set()
                    time.sleep(0.5)  # the second one counts now, before this one commits
            results[name] = "nominated"
        except ValidationError:
            results[name] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=nominate, args=("first", True))
    first.start()
    first_holds_the_lock.wait(5)
    second = threading.Thread(target=nominate, args=("second", False))
    second.start()
    first.join()
    second.join()
    assert results == {"first": "nominated", "second": "refused"}
    assert Nomination.objects.filter(event=event).count() == 1


@pytest.fixture
def nominations(iran_workshop, nigeria, turkiye):
    return {
        "amina": NominationFactory(event=iran_workshop, state=nigeria, name="Amina Yusuf"),
        "bola": NominationFactory(event=iran_workshop, state=nigeria, name="Bola Ade"),
        "can": NominationFactory(event=iran_workshop, state=turkiye, name="Can Öztürk"),
    }


def _decide(client, event, nomination, **data):
    url = reverse("linkages:nomination-decide", args=[event.slug, nomination.pk])
    return client.post(url, data)


def test_the_host_confirms_and_the_participant_gets_the_practical_details(
    client, iran_focal, iran_workshop, nominations, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(iran_focal)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, iran_workshop, nominations["amina"], decision="confirm")
    nominations["amina"].refresh_from_db()
    assert nominations["amina"].status == Status.CONFIRMED
    assert [m.to for m in mailoutbox] == [[nominations["amina"].email]]
    assert "12:30" in mailoutbox[0].body and "Asia/Tehran" in mailoutbox[0].body


def test_declining_needs_a_reason(client, iran_focal, iran_workshop, nominations):
    client.force_login(iran_focal)
    _decide(client, iran_workshop, nominations["bola"], decision="decline", reason="")
    nominations["bola"].refresh_from_db()
    assert nominations["bola"].status == Status.NOMINATED
    _decide(client, iran_workshop, nominations["bola"], decision="decline", reason="Profile")
    nominations["bola"].refresh_from_db()
    assert (nominations["bola"].status, nominations["bola"].reason) == (Status.DECLINED, "Profile")


def test_a_nominating_state_does_not_decide(client, nigeria_focal, iran_workshop, nominations):
    client.force_login(nigeria_focal)
    response = _decide(client, iran_workshop, nominations["amina"], decision="confirm")
    assert response.status_code == 404
    nominations["amina"].refresh_from_db()
    assert nominations["amina"].status == Status.NOMINATED


def test_a_focal_point_never_sees_another_states_nominations(
    client, nigeria_focal, iran_workshop, nominations
):
    client.force_login(nigeria_focal)
    page = client.get(iran_workshop.get_absolute_url()).content.decode()
    assert "Amina Yusuf" in page
    assert "Can Öztürk" not in page


def test_the_host_sees_every_states_nominations(client, iran_focal, iran_workshop, nominations):
    client.force_login(iran_focal)
    page = client.get(iran_workshop.get_absolute_url()).content.decode()
    assert "Amina Yusuf" in page and "Can Öztürk" in page


def test_the_participant_list_names_confirmed_participants_only(iran_workshop, nominations):
    nominations["amina"].status = Status.CONFIRMED
    nominations["amina"].save()
    assert [n.name for n in participants(iran_workshop)] == ["Amina Yusuf"]
    rendered = participant_list_render(event=iran_workshop)
    assert rendered.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("secretariat", 200), ("iran_focal", 200), ("turkiye_focal", 404), ("delegate", 404)],
)
def test_the_participant_list_is_for_the_secretariat_the_host_and_states_taking_part(
    client, request, iran_workshop, nominations, persona, expected
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("linkages:participants", args=[iran_workshop.slug]))
    assert response.status_code == expected


def test_a_state_with_a_confirmed_participant_reads_the_list(
    client, nigeria_focal, iran_workshop, nominations
):
    nominations["amina"].status = Status.CONFIRMED
    nominations["amina"].save()
    client.force_login(nigeria_focal)
    response = client.get(reverse("linkages:participants", args=[iran_workshop.slug]))
    assert response.status_code == 200


def test_the_event_list_shows_coming_and_past_events(client, iran):
    coming = EventFactory(host_state=iran, title="Coming one")
    past_start = datetime.datetime(2015, 3, 1, 9, tzinfo=datetime.UTC)
    past = EventFactory(
        host_state=iran,
        title="Past one",
        start=past_start,
        end=past_start + datetime.timedelta(hours=5),
        registration_deadline=None,
    )
    response = client.get(reverse("linkages:events"))
    assert list(response.context["coming"]) == [coming]
    assert list(response.context["page"]) == [past]

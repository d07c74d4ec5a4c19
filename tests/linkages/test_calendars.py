"""The iCalendar feeds, parsed with the icalendar library: UIDs, time zones, privacy."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.models import FeedToken
from tests.factories import ActionItemFactory, ActionPlanFactory, MeetingFactory


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _events(cal):
    return {str(c["UID"]): c for c in cal.walk("VEVENT")}


@pytest.fixture
def meeting(nigeria):
    return MeetingFactory(
        title="Private Sector Investment Workshop",
        slug="private-sector-investment-workshop-2031",
        start_date=datetime.date(2031, 3, 5),
        end_date=datetime.date(2031, 3, 6),
        host_state=nigeria,
        city="Abuja",
    )


def test_the_public_feed_lists_meetings_and_events_with_stable_uids(client, meeting, iran_workshop):
    first = _events(_parse(client.get(reverse("linkages:public-feed"))))
    second = _events(_parse(client.get(reverse("linkages:public-feed"))))
    assert set(first) == set(second)
    assert f"meeting-{meeting.pk}@d8-sme-portal" in first
    assert f"event-{iran_workshop.pk}@d8-sme-portal" in first


def test_events_carry_the_hosts_time_zone(client, iran_workshop):
    cal = _parse(client.get(reverse("linkages:event-ics", args=[iran_workshop.slug])))
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Tehran"
    assert event.decoded("DTSTART").hour == 12
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Tehran"]


def test_a_meeting_page_offers_an_all_day_calendar_entry(client, meeting):
    page = client.get(meeting.get_absolute_url()).content.decode()
    url = reverse("linkages:meeting-ics", args=[meeting.slug])
    assert url in page
    (event,) = _parse(client.get(url)).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.date(2031, 3, 5)
    assert event.decoded("DTEND") == datetime.date(2031, 3, 7)


@pytest.fixture
def items(nigeria, turkiye):
    plan = ActionPlanFactory()
    return {
        "nigerian": ActionItemFactory(
            plan=plan, lead_state=nigeria, due_date=datetime.date(2031, 6, 1)
        ),
        "turkish": ActionItemFactory(
            plan=plan, lead_state=turkiye, due_date=datetime.date(2031, 6, 2)
        ),
    }


def _personal_feed(client, user):
    _, secret = FeedToken.issue(user=user, name="Outlook")
    return secret, client.get(reverse("linkages:personal-feed", args=[secret]))


def test_a_personal_feed_holds_its_owners_deadlines_and_none_of_another_states(
    client, nigeria_focal, items, iran_workshop, secretariat_clock
):
    secretariat_clock.set(datetime.date(2030, 4, 1))
    _, response = _personal_feed(client, nigeria_focal)
    uids = set(_events(_parse(response)))
    assert f"action-item-{items['nigerian'].pk}-due@d8-sme-portal" in uids
    assert f"action-item-{items['turkish'].pk}-due@d8-sme-portal" not in uids
    assert f"event-{iran_workshop.pk}-registration@d8-sme-portal" in uids
    assert response["Cache-Control"] == "private, no-store"


def test_a_revoked_feed_token_gets_404(client, nigeria_focal, items):
    secret, response = _personal_feed(client, nigeria_focal)
    assert response.status_code == 200
    client.force_login(nigeria_focal)
    token = FeedToken.objects.get()
    client.post(reverse("feed-token-revoke", args=[token.pk]))
    client.logout()
    assert client.get(reverse("linkages:personal-feed", args=[secret])).status_code == 404


def test_an_unknown_feed_token_gets_404(client, db):
    response = client.get(reverse("linkages:personal-feed", args=["d8cal_guessed"]))
    assert response.status_code == 404


def test_a_feed_token_is_stored_as_a_hash_and_shown_once(client, nigeria_focal):
    client.force_login(nigeria_focal)
    response = client.post(reverse("feed-tokens"), {"name": "Phone"})
    secret = response.context["secret"]
    assert secret.startswith("d8cal_")
    token = FeedToken.objects.get()
    assert secret not in (token.digest, token.hint)
    assert secret not in client.get(reverse("feed-tokens")).content.decode()


def test_nobody_revokes_another_persons_feed_token(client, nigeria_focal, turkiye_focal):
    token, _ = FeedToken.issue(user=turkiye_focal, name="Outlook")
    client.force_login(nigeria_focal)
    response = client.post(reverse("feed-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    assert FeedToken.objects.filter(pk=token.pk).exists()

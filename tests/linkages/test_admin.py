"""The Secretariat publishes and returns opportunities in the admin; events are typed in the
host's local time."""

from django.urls import reverse

from linkages.models import Event, Opportunity


def test_the_secretariat_publishes_a_submitted_opportunity(client, secretariat, turkish_draft):
    turkish_draft.submit()
    client.force_login(secretariat)
    client.post(
        reverse("admin:linkages_opportunity_changelist"),
        {"action": "publish", "_selected_action": [turkish_draft.pk]},
    )
    turkish_draft.refresh_from_db()
    assert turkish_draft.status == Opportunity.Status.PUBLISHED


def test_the_secretariat_returns_an_opportunity_with_a_comment(client, secretariat, turkish_draft):
    turkish_draft.submit()
    client.force_login(secretariat)
    client.post(
        reverse("admin:linkages_opportunity_changelist"),
        {
            "action": "return_to_states",
            "_selected_action": [turkish_draft.pk],
            "apply": "1",
            "comment": "Give the size in USD.",
        },
    )
    turkish_draft.refresh_from_db()
    assert (turkish_draft.status, turkish_draft.return_comment) == (
        Opportunity.Status.RETURNED,
        "Give the size in USD.",
    )


def test_an_event_is_typed_in_the_hosts_local_time(client, secretariat, iran):
    client.force_login(secretariat)
    data = {
        "kind": "workshop",
        "title": "Market development",
        "slug": "",
        "host_kind": "member_state",
        "host_state": iran.pk,
        "host_name": "",
        "format": "in_person",
        "time_zone": "Asia/Tehran",
        "start_0": "2030-05-10",
        "start_1": "09:00:00",
        "end_0": "2030-05-10",
        "end_1": "17:00:00",
        "city": "Tehran",
        "venue": "",
        "language": "English",
        "description": "",
        "registration_deadline": "2030-05-11",
        "places_per_state": "2",
        "nominations-TOTAL_FORMS": "0",
        "nominations-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:linkages_event_add"), data)
    assert response.status_code == 200  # the deadline is after the start: refused
    assert "registration_deadline" in response.context["adminform"].form.errors
    assert not Event.objects.exists()
    data["registration_deadline"] = "2030-04-30"
    client.post(reverse("admin:linkages_event_add"), data)
    event = Event.objects.get()
    assert (event.local_start.hour, event.start.hour) == (9, 5)

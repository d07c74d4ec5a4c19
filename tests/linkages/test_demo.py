"""The demo's events and opportunities come from the record and say what is illustrative."""

import pytest
from django.core.management import call_command

from linkages.models import Event, InterestExpression, Opportunity


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # the demo accounts need it
    call_command("load_demo")


def test_the_2015_events_fulfil_the_task_forces_outcomes(demo):
    hosts = {
        event.action_item.reference: event.host_body.state.name
        for event in Event.objects.filter(action_item__reference__startswith="TF-SME-2015")
    }
    assert hosts == {
        "TF-SME-2015/2": "Nigeria",
        "TF-SME-2015/3": "Türkiye",
        "TF-SME-2015/4": "Iran",
    }


def test_the_demo_has_the_abuja_workshop_msme_day_and_a_partner_webinar(demo):
    abuja = Event.objects.get(slug="private-sector-investment-workshop-2012-abuja")
    assert (abuja.city, abuja.local_start.date().isoformat()) == ("Abuja", "2012-05-15")
    assert Event.objects.get(
        slug__startswith="international-msme-day-2027"
    ).host_body.state.name == ("Malaysia")
    assert Event.objects.get(host_kind=Event.HostKind.PARTNER).host == "UNIDO and UNDESA"


def test_three_illustrative_opportunities_of_three_states_and_one_interest(demo):
    opportunities = Opportunity.objects.published()
    assert opportunities.count() == 3
    assert opportunities.values("state").distinct().count() == 3
    assert all(o.is_illustrative and "illustrative" in o.description for o in opportunities)
    interest = InterestExpression.objects.get()
    assert interest.state.name == "Nigeria"
    assert interest.messages.count() == 1

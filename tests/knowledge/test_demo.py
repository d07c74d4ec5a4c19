"""The demo practices come from the record, cover the three pillars and say what is illustrative."""

import pytest
from django.core.management import call_command

from knowledge.models import BestPractice, ExchangeRequest, Pillar


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # the demo accounts need it
    call_command("load_demo")


def test_demo_publishes_at_least_one_practice_per_pillar(demo):
    published = BestPractice.objects.published()
    for pillar in Pillar.values:
        assert published.filter(pillar=pillar).exists(), pillar


def test_demo_practices_come_from_the_record(demo):
    workshop = BestPractice.objects.get(title="SME cluster development programme")
    assert workshop.state.name == "Iran"
    assert workshop.meetings.get().title == "SME Cluster Development Best Practice Workshop"
    assert BestPractice.objects.filter(body__acronym="KOSGEB").count() == 2
    training = BestPractice.objects.get(title="SPX / cluster development training")
    assert training.action_items.get().reference == "TF-SME-2015/2"


def test_every_demo_practice_says_where_it_is_illustrative(demo):
    for practice in BestPractice.objects.all():
        text = f"{practice.description} {practice.results}".lower()
        assert "illustrative" in text or "record gives no" in text, practice.title


def test_demo_shows_each_step_of_the_flow_and_a_peer_request(demo):
    statuses = set(BestPractice.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "published"} <= statuses
    exchange = ExchangeRequest.objects.get()
    assert (exchange.requesting_state.name, exchange.practice.state.name) == ("Nigeria", "Türkiye")

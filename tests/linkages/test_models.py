import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from linkages.models import Event, InvalidTransition, Opportunity
from tests.factories import EventFactory, OpportunityFactory

Status = Opportunity.Status


def test_a_size_range_whose_minimum_exceeds_its_maximum_is_refused(turkish_draft):
    turkish_draft.size_min, turkish_draft.size_max = 900, 100
    with pytest.raises(ValidationError) as error:
        turkish_draft.full_clean()
    assert "size_max" in error.value.message_dict


def test_the_database_refuses_a_size_range_upside_down(turkiye, kosgeb):
    with pytest.raises(IntegrityError):
        OpportunityFactory(state=turkiye, body=kosgeb, size_min=900, size_max=100)


def test_an_event_ending_before_it_starts_is_refused(iran_workshop):
    iran_workshop.end = iran_workshop.start - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        iran_workshop.full_clean()
    assert "end" in error.value.message_dict


def test_a_registration_deadline_after_the_start_is_refused(iran_workshop):
    iran_workshop.registration_deadline = datetime.date(2030, 5, 11)
    with pytest.raises(ValidationError) as error:
        iran_workshop.full_clean()
    assert "registration_deadline" in error.value.message_dict


def test_a_partner_hosted_event_needs_the_partner_name(db):
    event = EventFactory.build(host_kind=Event.HostKind.PARTNER, host_state=None, host_name="")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "host_name" in error.value.message_dict


def test_an_event_gets_a_slug_from_its_title(iran_workshop):
    assert iran_workshop.slug == "workshop-on-sme-market-development-models-2030"


def test_the_event_shows_its_times_in_the_hosts_time_zone(iran_workshop):
    assert iran_workshop.local_start.strftime("%H:%M") == "12:30"


def test_a_draft_goes_through_submission_to_publication(turkish_draft):
    turkish_draft.submit()
    turkish_draft.publish()
    assert turkish_draft.status == Status.PUBLISHED
    assert turkish_draft.published_at is not None


def test_a_returned_opportunity_keeps_the_secretariats_comment(turkish_draft):
    turkish_draft.submit()
    turkish_draft.return_to_state(comment="Give the size in USD.")
    assert turkish_draft.status == Status.RETURNED
    assert turkish_draft.return_comment == "Give the size in USD."


def test_a_draft_cannot_be_published_without_submission(turkish_draft):
    with pytest.raises(InvalidTransition):
        turkish_draft.publish()


def test_returning_needs_a_comment(turkish_draft):
    turkish_draft.submit()
    with pytest.raises(ValidationError):
        turkish_draft.return_to_state(comment="  ")
    turkish_draft.refresh_from_db()
    assert turkish_draft.status == Status.SUBMITTED

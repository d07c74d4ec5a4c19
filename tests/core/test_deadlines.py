"""The deadlines apps register for a person's calendar: their own state's, nobody else's."""

import datetime

import pytest

from core.deadlines import deadlines_for
from tests.factories import ActionItemFactory, OpenConsultationFactory

pytestmark = pytest.mark.django_db


def test_focal_point_gets_the_due_dates_of_their_states_open_items_only(
    nigeria, turkiye, nigeria_focal
):
    own = ActionItemFactory(reference="NG-1", lead_state=nigeria)
    ActionItemFactory(reference="TR-1", lead_state=turkiye)
    ActionItemFactory(
        reference="NG-DONE", lead_state=nigeria, status="completed", percent_complete=100
    )

    found = deadlines_for(nigeria_focal)

    assert [(d.uid, d.date, d.path) for d in found] == [
        (f"action-item-{own.pk}-due", own.due_date, own.get_absolute_url())
    ]


def test_focal_point_gets_the_deadlines_of_open_consultations_of_their_state(
    nigeria, turkiye, nigeria_focal
):
    consulted = OpenConsultationFactory(states=[nigeria, turkiye])
    OpenConsultationFactory(states=[turkiye])

    found = deadlines_for(nigeria_focal)

    assert [(d.uid, d.date) for d in found] == [
        (f"consultation-{consulted.pk}-deadline", datetime.date(2026, 5, 31))
    ]


def test_a_visitor_has_no_deadlines(nigeria, delegate):
    ActionItemFactory(lead_state=nigeria)
    OpenConsultationFactory(states=[nigeria])

    assert deadlines_for(delegate) == []

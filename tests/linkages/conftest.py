"""Records of the personas' states for business linkages, and Iran as a host."""

import datetime

import pytest

from linkages.models import Opportunity
from memberstates.models import FocalPoint
from tests.factories import (
    EventFactory,
    FocalPointFactory,
    MemberStateFactory,
    OpportunityFactory,
    SMEBodyFactory,
    UserFactory,
)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def iran(db):
    return MemberStateFactory(name="Iran", slug="iran", iso_code="IR")


@pytest.fixture
def isipo(iran):
    return SMEBodyFactory(state=iran, acronym="ISIPO", name="Iran Small Industries Organization")


@pytest.fixture
def iran_focal(isipo):
    user = UserFactory(username="focal.iran")
    FocalPointFactory(body=isipo, user=user, full_name="Reza Karimi", role=FocalPoint.Role.PRIMARY)
    return user


@pytest.fixture
def turkish_opportunity(turkiye, kosgeb):
    return OpportunityFactory(
        state=turkiye,
        body=kosgeb,
        title="Joint venture in textile machinery",
        location="Bursa",
        description="A Bursa manufacturer of textile machinery seeks a joint-venture partner.",
        contact_name="Ayşe Demir",
        contact_email="ayse.demir@example.org",
    )


@pytest.fixture
def turkish_draft(turkiye, kosgeb):
    return OpportunityFactory(
        state=turkiye, body=kosgeb, title="Olive oil exporters", status=Opportunity.Status.DRAFT
    )


@pytest.fixture
def iran_workshop(iran):
    start = datetime.datetime(2030, 5, 10, 9, 0, tzinfo=datetime.UTC)
    return EventFactory(
        title="Workshop on SME Market Development Models",
        host_state=iran,
        start=start,
        end=start + datetime.timedelta(hours=8),
        registration_deadline=datetime.date(2030, 4, 30),
        places_per_state=2,
    )

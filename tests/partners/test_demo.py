import pytest
from django.core.management import call_command

from meetings.models import Meeting
from memberstates.models import MoU
from partners.models import Activity, Agreement, PartnerMeeting


@pytest.fixture
def demo(settings, db):
    settings.DEBUG = True  # the demo accounts need it
    call_command("load_demo")


def test_the_demo_links_the_d8_mou_as_the_multilateral_agreement_and_keeps_its_adherence(demo):
    mou = MoU.objects.get()
    assert Agreement.objects.get(kind=Agreement.Kind.MULTILATERAL).mou == mou
    assert mou.adherence() == (6, 9)


def test_the_demo_has_the_record_of_seeds_001_004_and_000(demo):
    partners = set(Agreement.objects.values_list("partner__acronym", flat=True))
    assert {"OIC", "ECO", "OECD", "UNIDO", "CSA"} <= partners
    bilateral = Agreement.objects.get(body__acronym="KOSGEB", kind=Agreement.Kind.BILATERAL)
    assert bilateral.is_illustrative
    assert Activity.objects.filter(item__plan=bilateral.plan).count() == 2
    meeting = PartnerMeeting.objects.get().meeting
    assert meeting.kind == Meeting.Kind.JOINT_ECONOMIC_COMMISSION


def test_loading_the_demo_twice_adds_no_agreement_or_activity(demo):
    counts = (Agreement.objects.count(), Activity.objects.count())
    call_command("load_demo")
    assert (Agreement.objects.count(), Activity.objects.count()) == counts

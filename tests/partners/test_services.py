import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from actionplans.models import ActionItem
from partners.models import Activity, Agreement, AgreementNotice
from partners.services import activity_save, agreement_save, agreement_sweep
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _activity(user, agreement, **changes):
    fields = {
        "title": "Training of SME counsellors",
        "kind": Activity.Kind.TRAINING,
        "responsible": Activity.Responsible.PARTNER,
        "start_date": D(2026, 10, 1),
        "due_date": D(2026, 10, 31),
    }
    return activity_save(user=user, agreement=agreement, **{**fields, **changes})


def test_a_focal_point_records_an_agreement_with_its_cooperation_plan(kosgeb, turkiye_focal):
    agreement = agreement_save(
        user=turkiye_focal,
        title="MoU between KOSGEB and KOSME",
        body=kosgeb,
        partner=PartnerFactory(),
        status=Agreement.Status.SIGNED,
        signed_on=D(2026, 3, 1),
        valid_until=D(2029, 2, 28),
    )
    assert agreement.plan.proposed_by == kosgeb.state
    assert agreement.plan.slug == f"agreement-{agreement.pk}-plan"


def test_a_focal_point_cannot_record_an_agreement_for_another_states_body(smedan, turkiye_focal):
    with pytest.raises(ValidationError) as error:
        agreement_save(user=turkiye_focal, title="Not ours", body=smedan, partner=PartnerFactory())
    assert "body" in error.value.message_dict
    assert not Agreement.objects.exists()


def test_a_focal_point_cannot_change_another_states_agreement(smedan, turkiye_focal):
    agreement = AgreementFactory(body=smedan, title="SMEDAN and UNIDO")
    with pytest.raises(PermissionDenied):
        agreement_save(user=turkiye_focal, agreement=agreement, title="Changed")
    agreement.refresh_from_db()
    assert agreement.title == "SMEDAN and UNIDO"


def test_an_activity_is_an_action_item_the_states_focal_points_report_on(kosgeb, turkiye_focal):
    agreement = AgreementFactory(body=kosgeb)
    activity = _activity(turkiye_focal, agreement)
    item = ActionItem.objects.get(pk=activity.item_id)
    assert (item.plan, item.lead_state, item.due_date) == (
        agreement.plan,
        kosgeb.state,
        D(2026, 10, 31),
    )
    assert item.reference == f"AGR{agreement.pk}-1"
    assert ActionItem.objects.visible_to(turkiye_focal).filter(pk=item.pk).exists()


def test_an_activity_outside_the_validity_changes_nothing(kosgeb, turkiye_focal):
    agreement = AgreementFactory(body=kosgeb, valid_until=D(2026, 12, 31))
    with pytest.raises(ValidationError) as error:
        _activity(turkiye_focal, agreement, due_date=D(2027, 1, 15))
    assert "due_date" in error.value.message_dict
    assert not ActionItem.objects.exists()


def test_a_focal_point_cannot_add_an_activity_to_another_states_agreement(smedan, turkiye_focal):
    with pytest.raises(PermissionDenied):
        _activity(turkiye_focal, AgreementFactory(body=smedan))
    assert not Activity.objects.exists()


# --- Expiry reminders ----------------------------------------------------------------------


@pytest.fixture
def ending(kosgeb, turkiye_focal):
    return AgreementFactory(body=kosgeb, valid_until=D(2027, 3, 31))


def _recipients(mailoutbox):
    return sorted(to for message in mailoutbox for to in message.to)


def test_the_expiry_reminder_goes_once_at_90_days_to_focal_points_and_secretariat(
    ending, mailoutbox
):
    day_90 = ending.valid_until - datetime.timedelta(days=90)
    agreement_sweep(today=day_90)
    agreement_sweep(today=day_90)
    agreement_sweep(today=day_90 + datetime.timedelta(days=1))
    focal = ending.body.focal_points.get().email
    assert _recipients(mailoutbox) == sorted([focal, settings.SECRETARIAT_EMAIL])
    assert "90 days" in mailoutbox[0].subject


def test_the_expiry_reminder_goes_once_more_at_30_days(ending, mailoutbox):
    agreement_sweep(today=ending.valid_until - datetime.timedelta(days=90))
    mailoutbox.clear()
    for days in (30, 29, 30):
        agreement_sweep(today=ending.valid_until - datetime.timedelta(days=days))
    assert len(mailoutbox) == 2
    assert all("30 days" in m.subject for m in mailoutbox)
    assert AgreementNotice.objects.filter(sent_at__isnull=False).count() == 4


def test_no_expiry_reminder_for_an_agreement_renewed_automatically(ending, mailoutbox):
    Agreement.objects.filter(pk=ending.pk).update(automatic_renewal=True)
    agreement_sweep(today=ending.valid_until - datetime.timedelta(days=30))
    assert mailoutbox == []


def test_the_sweep_command_says_what_it_would_send_without_sending(ending, mailoutbox, capsys):
    day_30 = ending.valid_until - datetime.timedelta(days=30)
    call_command("send_reminders", "--dry-run", "--date", day_30.isoformat())
    assert "would send agreement-expiry" in capsys.readouterr().out
    assert mailoutbox == []
    assert not AgreementNotice.objects.exists()

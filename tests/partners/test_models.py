import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from memberstates.models import MoU, MoUAccession
from partners.models import Activity, Agreement, AgreementNotice, Partner
from tests.factories import (
    ActivityFactory,
    AgreementFactory,
    MoUAccessionFactory,
    MoUFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_an_agreement_in_force_before_it_was_signed_is_a_field_error(kosgeb):
    agreement = AgreementFactory.build(
        body=kosgeb,
        partner=PartnerFactory(),
        plan=None,
        signed_on=D(2025, 5, 1),
        in_force_on=D(2025, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "in_force_on" in error.value.message_dict


def test_an_agreement_valid_until_before_it_was_signed_is_a_field_error(kosgeb):
    agreement = AgreementFactory.build(
        body=kosgeb,
        partner=PartnerFactory(),
        plan=None,
        signed_on=D(2025, 5, 1),
        in_force_on=None,
        valid_until=D(2024, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "valid_until" in error.value.message_dict


def test_the_database_refuses_an_agreement_in_force_before_it_was_signed(kosgeb):
    agreement = AgreementFactory(body=kosgeb)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(in_force_on=D(2020, 1, 1))


def test_the_database_refuses_an_agreement_ending_before_it_was_signed(kosgeb):
    agreement = AgreementFactory(body=kosgeb)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(valid_until=D(2020, 1, 1))


def test_an_agreement_other_than_the_d8_mou_without_a_partner_is_refused(kosgeb):
    agreement = AgreementFactory.build(body=kosgeb, partner=None, plan=None)
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "partner" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_a_counterpart_institution_needs_its_country():
    partner = PartnerFactory.build(kind=Partner.Kind.COUNTERPART, country="")
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert "country" in error.value.message_dict


def test_an_activity_outside_the_agreements_validity_is_a_field_error(kosgeb):
    agreement = AgreementFactory(body=kosgeb, valid_until=D(2026, 12, 31))
    activity = ActivityFactory(agreement=agreement)
    activity.item.due_date = D(2027, 3, 1)
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "due_date" in error.value.message_dict


def test_an_activity_starting_before_the_signature_is_a_field_error(kosgeb):
    agreement = AgreementFactory(body=kosgeb)
    activity = ActivityFactory(agreement=agreement, start_date=D(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "start_date" in error.value.message_dict


def test_an_activity_within_the_validity_is_valid(kosgeb):
    ActivityFactory(agreement=AgreementFactory(body=kosgeb)).full_clean()


def _adherence_and_matrix(client):
    mous = list(MoU.objects.with_adherence().values_list("adherent_count", "state_count"))
    figures = [mou.adherence() for mou in MoU.objects.all()]
    matrix = list(MoUAccession.objects.values_list("state__name", "mou__short_name", "status"))
    page = client.get("/member-states/").content
    return mous, figures, matrix, page


def test_linking_the_d8_mou_as_an_agreement_leaves_accessions_and_adherence_unchanged(
    client, nigeria, turkiye
):
    mou = MoUFactory(short_name="D-8 SME MoU 2015")
    MoUAccessionFactory(mou=mou, state=nigeria, status="signed", signed_on=D(2015, 5, 1))
    MoUAccessionFactory(mou=mou, state=turkiye)
    before = _adherence_and_matrix(client)

    agreement = Agreement(kind=Agreement.Kind.MULTILATERAL, title=mou.title, mou=mou)
    agreement.full_clean()
    agreement.save()

    assert _adherence_and_matrix(client) == before
    assert mou.adherence() == (1, 2)


def test_the_multilateral_kind_needs_the_d8_mou():
    agreement = Agreement(kind=Agreement.Kind.MULTILATERAL, title="D-8 MoU")
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "mou" in error.value.message_dict


@pytest.mark.parametrize(
    ("days_left", "step"), [(120, None), (90, 90), (60, 90), (30, 30), (1, 30), (-1, None)]
)
def test_the_expiry_reminder_reached_is_the_latest_of_90_and_30_days(days_left, step):
    today = D(2026, 1, 1)
    assert AgreementNotice.step_reached(today + datetime.timedelta(days=days_left), today) == step


def test_published_activities_of_published_agreements_are_visible_to_everyone(
    kosgeb, nigeria_focal
):
    agreement = AgreementFactory(body=kosgeb, is_published=True)
    published = ActivityFactory(agreement=agreement, is_published=True)
    ActivityFactory(agreement=agreement, is_published=False)
    assert list(Activity.objects.visible_to(nigeria_focal)) == [published]


def test_focal_points_see_every_activity_of_their_own_states_agreements(kosgeb, turkiye_focal):
    agreement = AgreementFactory(body=kosgeb)
    draft = ActivityFactory(agreement=agreement)
    assert list(Activity.objects.visible_to(turkiye_focal)) == [draft]

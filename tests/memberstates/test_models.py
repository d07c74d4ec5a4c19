import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from memberstates.models import FocalPoint, MemberState, MoU, MoUAccession
from tests.factories import (
    FocalPointFactory,
    MemberStateFactory,
    MoUAccessionFactory,
    MoUFactory,
    UserFactory,
)

SIGNED = MoUAccession.Status.SIGNED
IN_FORCE = MoUAccession.Status.IN_FORCE
NOT_SIGNED = MoUAccession.Status.NOT_SIGNED
JAN_2015 = datetime.date(2015, 1, 27)
JUN_2016 = datetime.date(2016, 6, 1)


# Accession


def test_one_accession_per_state_and_mou(nigeria):
    accession = MoUAccessionFactory(state=nigeria)
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(state=nigeria, mou=accession.mou)


def test_a_state_may_accede_to_several_mous(nigeria):
    MoUAccessionFactory(state=nigeria)
    MoUAccessionFactory(state=nigeria)

    assert nigeria.accessions.count() == 2


def test_signed_accession_needs_its_signature_date(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(state=nigeria, status=SIGNED, signed_on=None)


def test_signed_accession_has_no_in_force_date(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(state=nigeria, status=SIGNED, signed_on=JAN_2015, in_force_on=JUN_2016)


def test_signed_accession_with_its_signature_date_is_accepted(nigeria):
    accession = MoUAccessionFactory(state=nigeria, status=SIGNED, signed_on=JAN_2015)

    assert MoUAccession.objects.get(pk=accession.pk).signed_on == JAN_2015


def test_accession_in_force_needs_its_signature_date(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(state=nigeria, status=IN_FORCE, signed_on=None, in_force_on=JUN_2016)


def test_accession_in_force_needs_its_in_force_date(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(state=nigeria, status=IN_FORCE, signed_on=JAN_2015, in_force_on=None)


def test_accession_in_force_with_both_dates_is_accepted(nigeria):
    accession = MoUAccessionFactory(
        state=nigeria, status=IN_FORCE, signed_on=JAN_2015, in_force_on=JUN_2016
    )

    assert MoUAccession.objects.get(pk=accession.pk).in_force_on == JUN_2016


def test_accession_not_yet_signed_has_no_signature_date(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(state=nigeria, status=NOT_SIGNED, signed_on=JAN_2015)


def test_accession_not_yet_signed_has_no_in_force_date(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(state=nigeria, status=NOT_SIGNED, in_force_on=JUN_2016)


def test_accession_cannot_come_into_force_before_it_was_signed(nigeria):
    with pytest.raises(IntegrityError), transaction.atomic():
        MoUAccessionFactory(
            state=nigeria, status=IN_FORCE, signed_on=JUN_2016, in_force_on=JAN_2015
        )


def test_accession_may_come_into_force_on_the_day_it_was_signed(nigeria):
    accession = MoUAccessionFactory(
        state=nigeria, status=IN_FORCE, signed_on=JAN_2015, in_force_on=JAN_2015
    )

    assert accession.pk is not None


# Focal points


def test_body_has_at_most_one_active_primary_focal_point(smedan):
    FocalPointFactory(body=smedan, role=FocalPoint.Role.PRIMARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        FocalPointFactory(body=smedan, role=FocalPoint.Role.PRIMARY)


def test_body_may_keep_an_inactive_primary_focal_point_beside_the_active_one(smedan):
    FocalPointFactory(body=smedan, role=FocalPoint.Role.PRIMARY)
    FocalPointFactory(body=smedan, role=FocalPoint.Role.PRIMARY, is_active=False)

    assert smedan.focal_points.count() == 2


def test_body_may_have_an_alternate_beside_the_primary_focal_point(smedan):
    FocalPointFactory(body=smedan, role=FocalPoint.Role.PRIMARY)
    FocalPointFactory(body=smedan, role=FocalPoint.Role.ALTERNATE)

    assert smedan.focal_points.count() == 2


def test_two_bodies_may_each_have_an_active_primary_focal_point(smedan, kosgeb):
    FocalPointFactory(body=smedan, role=FocalPoint.Role.PRIMARY)
    FocalPointFactory(body=kosgeb, role=FocalPoint.Role.PRIMARY)

    assert FocalPoint.objects.filter(role=FocalPoint.Role.PRIMARY).count() == 2


# MoU adherence


@pytest.fixture
def mou_with_mixed_accessions(nigeria, turkiye):
    """Nigeria signed, Türkiye in force, a third state not yet signed, a fourth no record."""
    mou = MoUFactory()
    MoUAccessionFactory(mou=mou, state=nigeria, status=SIGNED, signed_on=JAN_2015)
    MoUAccessionFactory(
        mou=mou, state=turkiye, status=IN_FORCE, signed_on=JAN_2015, in_force_on=JUN_2016
    )
    MoUAccessionFactory(mou=mou, state=MemberStateFactory(iso_code="MY"), status=NOT_SIGNED)
    MemberStateFactory(iso_code="ID")
    return mou


def test_adherence_counts_states_that_signed_or_brought_the_mou_into_force(
    mou_with_mixed_accessions,
):
    assert mou_with_mixed_accessions.adherence() == (2, 4)


def test_adherence_of_an_mou_nobody_signed_is_zero(nigeria):
    assert MoUFactory().adherence() == (0, 1)


def test_with_adherence_annotates_the_same_count_as_adherence(mou_with_mixed_accessions):
    annotated = MoU.objects.with_adherence().get(pk=mou_with_mixed_accessions.pk)

    assert annotated.adherent_count == mou_with_mixed_accessions.adherence()[0]


def test_with_adherence_counts_states_where_the_mou_is_in_force(mou_with_mixed_accessions):
    annotated = MoU.objects.with_adherence().get(pk=mou_with_mixed_accessions.pk)

    assert annotated.in_force_count == 1


def test_with_adherence_counts_each_mou_separately(mou_with_mixed_accessions, nigeria):
    other = MoUFactory()
    MoUAccessionFactory(mou=other, state=nigeria, status=SIGNED, signed_on=JAN_2015)

    counts = dict(MoU.objects.with_adherence().values_list("pk", "adherent_count"))

    assert counts == {mou_with_mixed_accessions.pk: 2, other.pk: 1}


# Member states of a focal point


def test_of_focal_point_gives_the_state_of_the_users_body(nigeria, turkiye, nigeria_focal):
    assert list(MemberState.objects.of_focal_point(nigeria_focal)) == [nigeria]


def test_of_focal_point_ignores_an_inactive_focal_point(smedan):
    user = UserFactory()
    FocalPointFactory(body=smedan, user=user, is_active=False)

    assert not MemberState.objects.of_focal_point(user).exists()


def test_of_focal_point_is_empty_for_a_user_who_is_no_focal_point(nigeria_focal, delegate):
    assert not MemberState.objects.of_focal_point(delegate).exists()


def test_of_focal_point_is_empty_for_an_anonymous_visitor(nigeria_focal):
    assert not MemberState.objects.of_focal_point(AnonymousUser()).exists()

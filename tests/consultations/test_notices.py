"""E-mails about consultations, each exactly once: the circulation, reminders 7 and 1 days
before the deadline to the focal points of states that have not answered, the extension, and
the result to every focal point of the consulted states; the daily sweep and its command."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations import tasks
from consultations.models import Consultation, ConsultationAnswer, ConsultationNotice
from consultations.services import (
    consultation_answer,
    consultation_circulate,
    consultation_close,
    consultation_extend,
    consultation_notices_send,
    consultation_sweep,
    consultation_sweep_planned,
)
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ConsultationFactory,
    FocalPointFactory,
    MemberStateFactory,
    SMEBodyFactory,
)

CIRCULATED = datetime.date(2026, 5, 4)
DEADLINE = datetime.date(2026, 6, 4)
DAY = datetime.timedelta(days=1)
Kind = ConsultationNotice.Kind


def day(offset):
    """`offset` days after the deadline (negative: before)."""
    return DEADLINE + offset * DAY


@pytest.fixture
def pakistani(db):
    state = MemberStateFactory(name="Pakistan", slug="pakistan", iso_code="PK")
    body = SMEBodyFactory(state=state, acronym="SMEDA")
    FocalPointFactory(body=body, email="focal.pakistan@example.org")
    return state


@pytest.fixture
def nigerian(nigeria_focal):
    return nigeria_focal.focal_point.email


@pytest.fixture
def turkish(turkiye_focal):
    return turkiye_focal.focal_point.email


@pytest.fixture
def consultation(nigeria, turkiye, pakistani, secretariat, nigerian, turkish):
    plan = ActionPlanFactory(title="Action Plan for the D-8 SME Centre in Abuja", status="draft")
    ActionItemFactory(plan=plan, reference="NG-CTR-2", lead_state=nigeria)
    draft = ConsultationFactory(
        title="Draft plan for the SME Centre", plan=plan, states=[nigeria, turkiye, pakistani]
    )
    return consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)


def sent(mailoutbox, subject_part=""):
    return sorted(
        to for message in mailoutbox if subject_part in message.subject for to in message.to
    )


def reminders(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("Reminder")]


def accept(consultation, user, state, today=CIRCULATED):
    return consultation_answer(
        consultation=consultation, user=user, state=state, position="accept", today=today
    )


# Circulation


def test_circulation_tells_every_focal_point_of_the_consulted_states_once(
    consultation, nigerian, turkish, mailoutbox
):
    consultation_notices_send(today=CIRCULATED)
    consultation_notices_send(today=CIRCULATED)
    assert sent(mailoutbox) == sorted([nigerian, turkish, "focal.pakistan@example.org"])
    [nigerias] = [m for m in mailoutbox if m.to == [nigerian]]
    assert "Written consultation: Draft plan for the SME Centre" in nigerias.subject
    assert "4 June 2026" in nigerias.subject
    assert f"/consultations/{consultation.pk}/answer/nigeria/" in nigerias.body
    assert "Silence procedure" in nigerias.body


def test_circulation_is_sent_after_the_commit(
    nigeria, secretariat, nigerian, mailoutbox, django_capture_on_commit_callbacks
):
    draft = ConsultationFactory(states=[nigeria])
    with django_capture_on_commit_callbacks(execute=True):
        consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
    assert sent(mailoutbox) == [nigerian]
    assert ConsultationNotice.objects.get().sent_at is not None


def test_inactive_focal_points_and_other_states_hear_nothing(consultation, smedan, mailoutbox):
    FocalPointFactory(body=smedan, email="former.nigeria@example.org", is_active=False)
    outsider = MemberStateFactory(name="Egypt", slug="egypt", iso_code="EG")
    FocalPointFactory(body=SMEBodyFactory(state=outsider), email="focal.egypt@example.org")
    consultation_notices_send(today=CIRCULATED)
    assert "former.nigeria@example.org" not in sent(mailoutbox)
    assert "focal.egypt@example.org" not in sent(mailoutbox)


# Reminders


@pytest.mark.parametrize("offset", [7, 1])
def test_states_that_have_not_answered_are_reminded_before_the_deadline(
    consultation, nigeria, nigeria_focal, turkish, mailoutbox, offset
):
    accept(consultation, nigeria_focal, nigeria)
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()

    consultation_sweep(today=day(-offset))

    assert sent(reminders(mailoutbox)) == sorted([turkish, "focal.pakistan@example.org"])
    notices = ConsultationNotice.objects.filter(kind=Kind.REMINDER)
    assert set(notices.values_list("step", flat=True)) == {offset}
    assert not notices.filter(state=nigeria).exists()


def test_a_state_that_answered_receives_no_reminder_at_all(
    consultation, nigeria, nigeria_focal, nigerian, mailoutbox
):
    accept(consultation, nigeria_focal, nigeria)
    for offset in range(-31, 3):
        consultation_sweep(today=day(offset))
    assert nigerian not in sent(reminders(mailoutbox))


def test_following_the_whole_consultation_sends_each_e_mail_once(
    consultation, nigerian, turkish, mailoutbox
):
    for offset in range(-31, 10):
        consultation_sweep(today=day(offset))
        consultation_sweep(today=day(offset))  # a second run the same day
    for address in [nigerian, turkish, "focal.pakistan@example.org"]:
        subjects = [m.subject.split(":")[0] for m in mailoutbox if m.to == [address]]
        assert subjects == [
            "Written consultation",
            "Reminder",
            "Reminder",
            "Result of the consultation “Draft plan for the SME Centre”",
        ]
    steps = ConsultationNotice.objects.filter(kind=Kind.REMINDER).values_list("step", flat=True)
    assert sorted(set(steps)) == [1, 7]


def test_an_answer_after_the_first_reminder_stops_the_second(
    consultation, nigeria, nigeria_focal, nigerian, mailoutbox
):
    consultation_sweep(today=day(-7))
    accept(consultation, nigeria_focal, nigeria, today=day(-5))
    consultation_sweep(today=day(-1))
    assert [m.subject.startswith("Reminder") for m in mailoutbox if m.to == [nigerian]] == [
        False,  # circulation
        True,  # 7 days before
    ]


def test_a_reminder_recorded_before_the_answer_is_not_sent_after_it(
    consultation, nigeria, nigeria_focal, nigerian, mailoutbox
):
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()
    ConsultationNotice.objects.create(
        consultation=consultation,
        state=nigeria,
        recipient=nigerian,
        kind=Kind.REMINDER,
        step=7,
        deadline=DEADLINE,
    )
    accept(consultation, nigeria_focal, nigeria, today=day(-7))
    consultation_notices_send(today=day(-7))
    assert mailoutbox == []


def test_a_day_without_sweep_delays_the_reminder_instead_of_losing_it(
    consultation, turkish, mailoutbox
):
    consultation_sweep(today=day(-6))
    reminder = ConsultationNotice.objects.get(kind=Kind.REMINDER, recipient=turkish)
    assert reminder.step == 7
    assert "6 days left" in [m for m in reminders(mailoutbox) if m.to == [turkish]][0].body


def test_the_last_day_still_gets_the_one_day_reminder_when_it_was_missed(
    consultation, turkish, mailoutbox
):
    consultation_sweep(today=day(0))
    [message] = [m for m in reminders(mailoutbox) if m.to == [turkish]]
    assert "today is the last day" in message.body


def test_no_reminder_earlier_than_seven_days_before(consultation, mailoutbox):
    consultation_sweep(today=day(-8))
    assert reminders(mailoutbox) == []
    assert not ConsultationNotice.objects.filter(kind=Kind.REMINDER).exists()


def test_reminders_of_two_consultations_come_in_one_digest(
    consultation, nigeria, turkiye, secretariat, turkish, mailoutbox
):
    second = ConsultationFactory(title="Second draft", states=[turkiye])
    consultation_circulate(consultation=second, user=secretariat, today=CIRCULATED)
    consultation_sweep(today=day(-1))
    [digest] = [m for m in reminders(mailoutbox) if m.to == [turkish]]
    assert "2 consultations await the answer of Türkiye" in digest.subject
    assert "Draft plan for the SME Centre" in digest.body
    assert "Second draft" in digest.body


def test_a_focal_point_of_two_states_gets_one_digest_naming_both(
    consultation, nigeria, turkiye, mailoutbox
):
    FocalPointFactory(body=SMEBodyFactory(state=nigeria), email="shared@example.org")
    FocalPointFactory(body=SMEBodyFactory(state=turkiye), email="Shared@Example.org")
    consultation_sweep(today=day(-1))
    [digest] = [m for m in reminders(mailoutbox) if m.to == ["shared@example.org"]]
    assert "Nigeria and Türkiye" in digest.subject
    assert "/answer/nigeria/" in digest.body and "/answer/turkiye/" in digest.body


def test_reminders_claimed_by_another_sender_are_left_to_it(consultation, turkish, mailoutbox):
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()
    ConsultationNotice.objects.create(
        consultation=consultation,
        state=consultation.states.get(name="Türkiye"),
        recipient=turkish,
        kind=Kind.REMINDER,
        step=7,
        deadline=DEADLINE,
        claimed_at=timezone.now(),
    )
    consultation_notices_send(today=day(-7))
    assert mailoutbox == []


def test_reminders_of_a_sender_that_died_go_out_after_the_lease(
    consultation, turkiye, turkish, mailoutbox
):
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()
    ConsultationNotice.objects.create(
        consultation=consultation,
        state=turkiye,
        recipient=turkish,
        kind=Kind.REMINDER,
        step=7,
        deadline=DEADLINE,
        claimed_at=timezone.now() - datetime.timedelta(minutes=16),
    )
    consultation_notices_send(today=day(-7))
    assert sent(mailoutbox) == [turkish]


def test_a_failed_e_mail_leaves_its_notices_for_the_next_sweep(
    consultation, mailoutbox, monkeypatch
):
    def refuse(self, *args, **kwargs):
        raise OSError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        consultation_notices_send(today=CIRCULATED)
    assert mailoutbox == []
    assert not ConsultationNotice.objects.filter(sent_at__isnull=False).exists()
    assert not ConsultationNotice.objects.filter(claimed_at__isnull=False).exists()

    consultation_notices_send(today=CIRCULATED)
    assert len(mailoutbox) == 3


def test_recording_reminders_runs_the_same_queries_for_few_and_many_consultations(
    nigeria, turkiye, secretariat, nigerian, turkish
):
    def sweep_queries(count):
        for _ in range(count):
            draft = ConsultationFactory(states=[nigeria, turkiye], deadline=day(0))
            consultation_circulate(consultation=draft, user=secretariat, today=CIRCULATED)
        ConsultationNotice.objects.all().delete()
        from consultations.services import consultation_reminders_owed

        with CaptureQueriesContext(connection) as queries:
            owed = consultation_reminders_owed(today=day(-1))
        assert len(owed) == 2 * Consultation.objects.count()
        return len(queries)

    assert sweep_queries(2) == sweep_queries(20)


# Extension


def test_an_extension_is_announced_and_gets_reminders_of_its_own(
    consultation, secretariat, turkish, mailoutbox
):
    consultation_sweep(today=day(-7))
    consultation_extend(
        consultation=consultation,
        user=secretariat,
        deadline=day(14),
        reason="The technical session asked for more time.",
        today=day(-7),
    )
    consultation_notices_send(today=day(-7))
    [announcement] = [m for m in mailoutbox if m.to == [turkish] and "extended" in m.subject]
    assert "from 4 June 2026 to 18 June 2026" in announcement.body
    assert "The technical session asked for more time." in announcement.body

    mailoutbox.clear()
    consultation_sweep(today=day(-1))  # the old deadline's last reminder is not owed
    assert reminders(mailoutbox) == []
    consultation_sweep(today=day(7))
    assert turkish in sent(reminders(mailoutbox))
    assert ConsultationNotice.objects.filter(kind=Kind.REMINDER, deadline=day(14), step=7).exists()


def test_reminders_recorded_for_the_old_deadline_are_not_sent(
    consultation, secretariat, turkiye, turkish, mailoutbox
):
    consultation_notices_send(today=CIRCULATED)
    ConsultationNotice.objects.create(
        consultation=consultation,
        state=turkiye,
        recipient=turkish,
        kind=Kind.REMINDER,
        step=7,
        deadline=DEADLINE,
    )
    consultation_extend(
        consultation=consultation,
        user=secretariat,
        deadline=day(30),
        reason="More time.",
        today=CIRCULATED,
    )
    mailoutbox.clear()
    consultation_notices_send(today=day(-7))
    assert reminders(mailoutbox) == []


# Result


def test_every_focal_point_receives_the_result_once_with_the_objections(
    consultation, turkiye, turkiye_focal, nigerian, turkish, secretariat, mailoutbox
):
    consultation_answer(
        consultation=consultation,
        user=turkiye_focal,
        state=turkiye,
        position="object",
        reasons="The budget is missing.",
        today=CIRCULATED,
    )
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()

    consultation_sweep(today=day(1))
    consultation_close(consultation=consultation, user=secretariat)
    consultation_sweep(today=day(2))

    assert sent(mailoutbox) == sorted([nigerian, turkish, "focal.pakistan@example.org"])
    result = mailoutbox[0]
    assert (
        result.subject == "Result of the consultation “Draft plan for the SME Centre”: not adopted"
    )
    assert "Türkiye: Object" in result.body
    assert "Pakistan: Accepted by silence" in result.body
    assert "The budget is missing." in result.body
    assert f"/consultations/{consultation.pk}/compilation.pdf" in result.body


def test_the_result_goes_out_after_the_secretariat_closes(
    consultation, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_close(consultation=consultation, user=secretariat)
    assert len(mailoutbox) == 3
    assert all(m.subject.endswith(": adopted") for m in mailoutbox)


def test_closing_twice_mails_the_result_once(
    consultation, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            consultation_close(consultation=consultation, user=secretariat)
    consultation_sweep(today=day(1))
    assert len(mailoutbox) == 3
    assert ConsultationNotice.objects.filter(kind=Kind.RESULT).count() == 3


def test_no_reminder_once_the_consultation_is_closed(consultation, secretariat, mailoutbox):
    consultation_close(consultation=consultation, user=secretariat)
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()
    consultation_sweep(today=day(-1))
    assert reminders(mailoutbox) == []


# The daily sweep, its task and its command


def test_the_daily_task_closes_the_consultation_and_reminds_others(
    consultation, nigeria, turkiye, secretariat, turkish, secretariat_clock, mailoutbox
):
    later = ConsultationFactory(title="Later draft", states=[turkiye], deadline=day(8))
    consultation_circulate(consultation=later, user=secretariat, today=CIRCULATED)
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()

    secretariat_clock.set(day(1))
    tasks.consultation_sweep()

    consultation.refresh_from_db()
    assert consultation.is_closed
    assert consultation.result == Consultation.Result.ADOPTED
    assert ConsultationAnswer.objects.filter(consultation=consultation).count() == 3
    assert turkish in sent(mailoutbox, "Result")
    assert sent(reminders(mailoutbox)) == [turkish]  # seven days before the later deadline


def test_send_reminders_command_prints_what_the_consultation_sweep_did(
    consultation, nigerian, mailoutbox, capsys
):
    consultation_notices_send(today=CIRCULATED)
    call_command("send_reminders", "--date", day(1).isoformat())
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "closed consultation “Draft plan for the SME Centre”: adopted"
    assert f"sent consultation-result to {nigerian}: Draft plan for the SME Centre" in out


def test_send_reminders_dry_run_lists_consultations_and_changes_nothing(
    consultation, turkish, mailoutbox, capsys
):
    consultation_notices_send(today=CIRCULATED)
    mailoutbox.clear()
    call_command("send_reminders", "--date", day(-7).isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert f"would send consultation-reminder to {turkish}: Draft plan for the SME Centre" in out
    assert mailoutbox == []
    assert not ConsultationNotice.objects.filter(kind=Kind.REMINDER).exists()

    call_command("send_reminders", "--date", day(1).isoformat(), "--dry-run")
    assert "would close consultation “Draft plan for the SME Centre”" in capsys.readouterr().out
    consultation.refresh_from_db()
    assert consultation.is_open


def test_dry_run_leaves_out_what_was_sent(consultation):
    consultation_sweep(today=day(-7))
    planned = consultation_sweep_planned(today=day(-7))
    assert planned.deliveries == [] and planned.closed == []

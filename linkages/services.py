"""Business linkages' operations: opportunities written, submitted and expired; interest
expressed and answered; nominations made within a state's places and decided by the host;
the e-mails about them sent exactly once (core.outbox).

Nominations lock their event's row (SELECT … FOR UPDATE) and count the state's places under
that lock: two nominations racing for the last place are served one after the other, and the
second finds the place taken.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import is_secretariat
from core import outbox
from core.clock import long_date, secretariat_today
from core.deadlines import Deadline
from core.queue import enqueue_on_commit
from memberstates.models import FocalPoint, MemberState

from .models import (
    Event,
    InterestExpression,
    InterestMessage,
    InvalidTransition,
    LinkageNotice,
    Nomination,
    Opportunity,
)
from .tasks import send_linkage_notices

# --- Opportunities -------------------------------------------------------------------------


@transaction.atomic
def opportunity_save(*, form, user, submit=False):
    """Save a focal point's opportunity from its form, new or still editable; submit it to the
    Secretariat when asked. Returns the opportunity.

    A stored opportunity is re-read under lock, so one the Secretariat has just taken up (or
    one of another state, whatever the form says) is never written.
    """
    opportunity = form.instance
    if opportunity.pk is not None:
        locked = (
            Opportunity.objects.of_focal_point(user)
            .filter(pk=opportunity.pk, status__in=Opportunity.EDITABLE_STATUSES)
            .select_for_update()
        )
        if not locked.exists():
            raise InvalidTransition("This opportunity is with the Secretariat: it cannot change.")
    if not opportunity.state.has_focal_point(user):
        raise PermissionDenied("Only the state's focal points write its opportunities.")
    if opportunity.pk is None:
        opportunity.created_by = user
    opportunity = form.save()
    if submit:
        opportunity.submit()
    return opportunity


def opportunity_submit(*, opportunity, user):
    """A focal point hands their state's draft or returned opportunity to the Secretariat."""
    if not opportunity.state.has_focal_point(user):
        raise PermissionDenied("Only the state's focal points submit its opportunities.")
    opportunity.submit()
    return opportunity


def opportunities_expire(*, today):
    """Expire the published opportunities whose validity ended before `today`; return them."""
    expired = []
    for opportunity in Opportunity.objects.past_validity(today).without_vector().order_by("pk"):
        try:
            opportunity.expire()
        except InvalidTransition:
            continue  # changed since it was listed
        expired.append(opportunity)
    return expired


# --- Interest ------------------------------------------------------------------------------


def interested_state(opportunity, user):
    """The state a focal point speaks for about someone else's published opportunity, or None."""
    if opportunity.status != Opportunity.Status.PUBLISHED:
        return None
    return MemberState.objects.of_focal_point(user).exclude(pk=opportunity.state_id).first()


def _notices_to_state(state_id, **fields):
    emails = FocalPoint.objects.emails_by_state([state_id])[state_id]
    outbox.record(
        LinkageNotice, [LinkageNotice(recipient=email, **fields) for email in sorted(emails)]
    )
    enqueue_on_commit(send_linkage_notices)


@transaction.atomic
def interest_express(*, opportunity, user, text):
    """A focal point of another state expresses interest in a published opportunity, with a
    first message; the owning state's focal points are told by e-mail. Returns the interest."""
    opportunity = Opportunity.objects.published().without_vector().filter(pk=opportunity.pk)
    opportunity = opportunity.first()
    if opportunity is None:
        raise PermissionDenied("Interest is expressed in published opportunities.")
    state = interested_state(opportunity, user)
    if state is None:
        raise PermissionDenied("Only focal points of another member state can express interest.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a short message."})
    try:
        with transaction.atomic():
            interest = InterestExpression.objects.create(
                opportunity=opportunity, state=state, created_by=user
            )
    except IntegrityError as exc:
        raise ValidationError("Your state has already expressed interest.") from exc
    InterestMessage.objects.create(interest=interest, state=state, author=user, text=text)
    _notices_to_state(opportunity.state_id, kind=LinkageNotice.Kind.INTEREST, interest=interest)
    return interest


@transaction.atomic
def interest_message_post(*, interest, user, text):
    """A focal point of either state writes in the thread; the other state's focal points are
    told by e-mail. Returns the message."""
    interest = InterestExpression.objects.select_related("opportunity").get(pk=interest.pk)
    sides = {interest.state_id, interest.opportunity.state_id}
    state = MemberState.objects.of_focal_point(user).filter(pk__in=sides).first()
    if state is None:
        raise PermissionDenied("Only the focal points of the two states write in this thread.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write your message."})
    message = InterestMessage.objects.create(interest=interest, state=state, author=user, text=text)
    other = (sides - {state.pk}).pop()
    _notices_to_state(other, kind=LinkageNotice.Kind.ANSWER, interest=interest, message=message)
    return message


# --- Nominations ---------------------------------------------------------------------------


@transaction.atomic
def nomination_create(*, event, user, state, name, organisation, email, role="", today=None):
    """A focal point nominates a participant of their state, before the registration deadline
    and within the state's places. The event's row is locked while the places are counted."""
    if not state.has_focal_point(user):
        raise PermissionDenied("A focal point nominates for their own state only.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    today = today or secretariat_today()
    if not event.takes_nominations(today):
        raise ValidationError(
            f"Registration closed on {long_date(event.registration_deadline)}: no more nominations."
        )
    taken = Nomination.objects.holding_places().filter(event=event, state=state).count()
    if taken >= event.places_per_state:
        raise ValidationError(
            f"{state} has used its {event.places_per_state} place(s) for this event."
        )
    nomination = Nomination(
        event=event,
        state=state,
        name=name.strip(),
        organisation=organisation.strip(),
        role=role.strip(),
        email=email.strip(),
        nominated_by=user,
    )
    nomination.full_clean()
    nomination.save()
    return nomination


def may_decide(event, user):
    return Event.objects.managed_by(user).filter(pk=event.pk).exists()


@transaction.atomic
def nomination_decide(*, nomination, user, confirm, reason=""):
    """The host or the Secretariat confirms a nomination (the participant is e-mailed the
    practical details) or declines it with a reason."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not may_decide(nomination.event, user):
        raise PermissionDenied("Only the host and the Secretariat decide nominations.")
    reason = reason.strip()
    if confirm:
        nomination.status, nomination.reason = Nomination.Status.CONFIRMED, ""
    else:
        if not reason:
            raise ValidationError({"reason": "Say why the nomination is declined."})
        nomination.status, nomination.reason = Nomination.Status.DECLINED, reason
    nomination.decided_by, nomination.decided_at = user, timezone.now()
    nomination.save()
    if confirm:
        outbox.record(
            LinkageNotice,
            [
                LinkageNotice(
                    recipient=nomination.email.lower(),
                    kind=LinkageNotice.Kind.CONFIRMED,
                    nomination=nomination,
                )
            ],
        )
        enqueue_on_commit(send_linkage_notices)
    return nomination


def participants(event):
    """The confirmed participants, by state, for the participant list."""
    return list(
        event.nominations.filter(status=Nomination.Status.CONFIRMED)
        .select_related("state")
        .order_by("state__name", "name")
    )


# --- E-mails -------------------------------------------------------------------------------

EMAIL_OF_KIND = {
    LinkageNotice.Kind.INTEREST: "linkage-interest",
    LinkageNotice.Kind.ANSWER: "linkage-message",
    LinkageNotice.Kind.CONFIRMED: "nomination-confirmed",
}


def _sendable():
    return LinkageNotice.objects.filter(sent_at__isnull=True)


def _rows():
    return LinkageNotice.objects.select_related(
        "interest__opportunity__state",
        "interest__opportunity__body",
        "interest__state",
        "message__state",
        "nomination__state",
        "nomination__event__host_state",
        "nomination__event__host_body",
    )


def _deliveries(rows):
    return outbox.group(
        sorted(rows, key=lambda r: r.pk),
        email=lambda row: EMAIL_OF_KIND[row.kind],
        order=list(EMAIL_OF_KIND.values()),
        key=lambda row: row.pk,
    )


def _context(delivery):
    notice = delivery.rows[0]
    context = {"recipient": delivery.recipient, "notice": notice}
    if notice.interest_id:
        context["interest"] = notice.interest
        context["opportunity"] = notice.interest.opportunity
    if notice.message_id:
        context["message"] = notice.message
    if notice.nomination_id:
        context["nomination"] = notice.nomination
        context["event"] = notice.nomination.event
    return context


def linkage_notices_send():
    """Send every unsent linkage e-mail, each once. Returns the deliveries sent."""
    return outbox.send(
        _sendable(),
        rows=_rows(),
        deliveries=_deliveries,
        context=_context,
    )


# --- Daily work and calendars --------------------------------------------------------------


def daily_linkages_run(today):
    """Expire the opportunities past their date and send the e-mails owed, as lines."""
    lines = [f"expired opportunity “{o}”" for o in opportunities_expire(today=today)]
    for delivery in linkage_notices_send():
        lines.append(f"sent {delivery.email} to {delivery.recipient}")
    return lines


def daily_linkages_plan(today):
    lines = [
        f"would expire opportunity “{o}”"
        for o in Opportunity.objects.past_validity(today).without_vector().order_by("pk")
    ]
    waiting = _rows().filter(pk__in=_sendable().filter(outbox.claimable(timezone.now())))
    for delivery in _deliveries(list(waiting)):
        lines.append(f"would send {delivery.email} to {delivery.recipient}")
    return lines


def registration_deadlines(user):
    """Registration deadlines still ahead of the events open to nominations, for the focal
    points who nominate and the Secretariat."""
    if not (is_secretariat(user) or MemberState.objects.of_focal_point(user).exists()):
        return []
    events = Event.objects.filter(
        registration_deadline__isnull=False, registration_deadline__gte=secretariat_today()
    ).only("pk", "title", "slug", "registration_deadline")
    return [
        Deadline(
            uid=f"event-{event.pk}-registration",
            title=f"Registration closes: {event.title}",
            date=event.registration_deadline,
            path=event.get_absolute_url(),
            description="Last day to nominate participants of your state.",
        )
        for event in events
    ]

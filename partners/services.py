"""Operations on agreements and activities, called by pages, API and admin alike, and the
expiry reminders (exactly once, through core.outbox)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q

from accounts.roles import is_secretariat
from actionplans.models import ActionItem, ActionPlan
from core import outbox
from core.deadlines import Deadline
from memberstates.models import FocalPoint

from .models import Activity, Agreement, AgreementNotice

AGREEMENT_FIELDS = [
    "kind",
    "title",
    "body",
    "partner",
    "status",
    "signed_on",
    "in_force_on",
    "valid_until",
    "automatic_renewal",
    "summary",
    "is_published",
]


def _check_body(user, body):
    """A focal point acts for their own state's bodies only; the Secretariat for any party."""
    if is_secretariat(user):
        return
    if body is None or not body.state.has_focal_point(user):
        raise ValidationError({"body": "Choose an SME governmental body of your own state."})


@transaction.atomic
def agreement_save(*, user, agreement=None, text=None, **fields):
    """Create or change an agreement (and its cooperation plan), all or nothing.

    A focal point changes only their own state's agreements; the multilateral D-8 MoU is the
    Secretariat's. Returns the agreement.
    """
    if agreement is None:
        agreement = Agreement()
    else:
        agreement = (
            Agreement.objects.editable_by(user).select_for_update().filter(pk=agreement.pk).first()
        )
        if agreement is None:
            raise PermissionDenied("Only the focal points of the agreement's state change it.")
    for name, value in fields.items():
        if name not in AGREEMENT_FIELDS:
            raise TypeError(f"unknown agreement field {name}")
        setattr(agreement, name, value)
    _check_body(user, agreement.body)
    if agreement.kind == Agreement.Kind.MULTILATERAL and agreement.pk is None:
        raise ValidationError({"kind": "The multilateral D-8 MoU is recorded by the Secretariat."})
    if text:
        agreement.text = text
        agreement.text_name = text.name[:200]
    agreement.full_clean(exclude=["plan"])
    agreement.save()
    agreement_plan_ensure(agreement=agreement)
    return agreement


def agreement_plan_ensure(*, agreement):
    """Give an agreement with a partner its cooperation plan (an action plan) if it has none."""
    if agreement.plan_id is None and agreement.kind != Agreement.Kind.MULTILATERAL:
        agreement.plan = ActionPlan.objects.create(
            title=f"Cooperation plan: {agreement.title}"[:300],
            slug=f"agreement-{agreement.pk}-plan",
            proposed_by=agreement.state,
            status=ActionPlan.Status.IN_IMPLEMENTATION,
            summary=f"The action plan of “{agreement.title}”.",
        )
        agreement.save(update_fields=["plan"])


@transaction.atomic
def activity_save(
    *,
    user,
    agreement=None,
    activity=None,
    title,
    kind,
    responsible,
    start_date,
    due_date,
    description="",
    report="",
    is_published=False,
):
    """Add an activity to an agreement's plan (an action item with its activity record), or
    change one; dates must fall within the agreement's validity. Returns the activity."""
    if activity is not None:
        agreement = activity.item.plan.agreement
    locked = Agreement.objects.editable_by(user).select_for_update(of=("self",))
    locked = locked.filter(pk=agreement.pk)
    agreement = locked.select_related("body__state", "plan").first()
    if agreement is None or agreement.plan_id is None:
        raise PermissionDenied("Only the focal points of the agreement's state add activities.")
    errors = Activity.validity_errors(agreement, start_date, due_date)
    if agreement.body_id is None:
        errors["responsible"] = "An agreement of the Secretariat has no state to report."
    if errors:
        raise ValidationError(errors)
    if activity is None:
        number = agreement.plan.items.count() + 1
        item = ActionItem(
            plan=agreement.plan,
            reference=f"AGR{agreement.pk}-{number}",
            lead_state=agreement.body.state,
        )
        activity = Activity(item=item)
    item = activity.item
    item.title = title
    item.description = description
    item.due_date = due_date
    item.full_clean(exclude=["plan"])
    item.save()
    activity.item = item
    activity.kind = kind
    activity.responsible = responsible
    activity.start_date = start_date
    activity.report = report
    activity.is_published = is_published
    activity.full_clean()
    activity.save()
    return activity


# --- Expiry reminders ------------------------------------------------------------------------


def agreement_notices_owed(*, today):
    """The expiry reminders the sweep of `today` owes: to the focal points of the agreement's
    state and the Secretariat, at the latest of 90 and 30 days before the end reached."""
    agreements = list(
        Agreement.objects.expiring(today, max(AgreementNotice.STEPS)).values_list(
            "pk", "body__state_id", "valid_until"
        )
    )
    emails = FocalPoint.objects.emails_by_state({state for _, state, _ in agreements if state})
    secretariat = settings.SECRETARIAT_EMAIL.lower()
    owed = []
    for agreement_id, state_id, valid_until in agreements:
        step = AgreementNotice.step_reached(valid_until, today)
        if step is None:
            continue
        recipients = sorted(emails.get(state_id, set()) | {secretariat})
        owed += [
            AgreementNotice(
                agreement_id=agreement_id, recipient=r, step=step, valid_until=valid_until
            )
            for r in recipients
        ]
    return owed


def _sendable():
    """Unsent reminders about an end date still current, of agreements still running."""
    return AgreementNotice.objects.filter(
        sent_at__isnull=True,
        agreement__status__in=Agreement.RUNNING,
        agreement__automatic_renewal=False,
        valid_until=F("agreement__valid_until"),
    )


def _rows():
    return AgreementNotice.objects.select_related("agreement__partner", "agreement__body__state")


def _deliveries(rows):
    return outbox.group(
        rows,
        email=lambda row: "agreement-expiry",
        order=["agreement-expiry"],
        key=lambda row: row.agreement_id,
    )


def _context(delivery, *, today):
    agreement = delivery.rows[0].agreement
    return {
        "agreement": agreement,
        "days_left": (agreement.valid_until - today).days,
        "step": delivery.rows[0].step,
        "recipient": delivery.recipient,
        "is_secretariat": delivery.recipient == settings.SECRETARIAT_EMAIL.lower(),
    }


def agreement_notices_send(*, today):
    return outbox.send(
        _sendable(),
        rows=_rows(),
        deliveries=_deliveries,
        context=lambda d: _context(d, today=today),
    )


def agreement_sweep(*, today):
    """Record the expiry reminders owed on `today`, then send every unsent one, each once."""
    outbox.record(AgreementNotice, agreement_notices_owed(today=today))
    return agreement_notices_send(today=today)


def agreement_sweep_planned(*, today):
    owed = agreement_notices_owed(today=today)
    new, waiting = outbox.planned(
        owed,
        recorded=AgreementNotice.objects.filter(agreement__in={n.agreement_id for n in owed}),
        keys=("agreement_id", "recipient", "kind", "step", "valid_until"),
        waiting=_rows().filter(pk__in=_sendable().values("pk")),
    )
    agreements = Agreement.objects.in_bulk({n.agreement_id for n in new})
    for notice in new:
        notice.agreement = agreements[notice.agreement_id]
    return _deliveries([*new, *waiting])


def _lines(deliveries, verb):
    return [
        f"{verb} {d.email} to {d.recipient}: {d.rows[0].agreement} "
        f"({d.rows[0].step} days before {d.rows[0].valid_until:%Y-%m-%d})"
        for d in deliveries
    ]


def daily_agreements_run(today):
    """The agreements' daily work, as lines for the sweep command."""
    return _lines(agreement_sweep(today=today), "sent")


def daily_agreements_plan(today):
    return _lines(agreement_sweep_planned(today=today), "would send")


def agreement_deadlines(user):
    """The end dates of the running agreements the user may change, for the personal calendar."""
    agreements = Agreement.objects.editable_by(user).filter(
        Q(status__in=Agreement.RUNNING), valid_until__isnull=False
    )
    return [
        Deadline(
            uid=f"agreement-{agreement.pk}-end",
            title=f"Agreement ends: {agreement.title}",
            date=agreement.valid_until,
            path=agreement.get_absolute_url(),
        )
        for agreement in agreements
    ]

from celery import shared_task

from core.mail import render_email
from memberstates.models import FocalPoint

from .models import ExchangeRequest


def _exchange(request_id):
    return (
        ExchangeRequest.objects.select_related(
            "practice__state",
            "practice__body",
            "requesting_state",
            "requested_by__focal_point",
            "replied_by",
        )
        .filter(pk=request_id)
        .first()
    )


@shared_task
def notify_exchange_requested(request_id):
    """Tell each active focal point of the owning state that a peer asks for an exchange."""
    exchange = _exchange(request_id)
    if exchange is None:
        return
    recipients = (
        FocalPoint.objects.filter(body__state=exchange.practice.state_id, is_active=True)
        .exclude(email="")
        .select_related("body__state")
    )
    for focal_point in recipients:
        render_email(
            "exchange-requested",
            {"exchange": exchange, "practice": exchange.practice, "focal_point": focal_point},
            to=[focal_point.email],
        ).send()


@shared_task
def notify_exchange_answered(request_id):
    """Tell the focal point who asked for an exchange that the owning state answered."""
    exchange = _exchange(request_id)
    if exchange is None:
        return
    asker = exchange.requested_by
    focal_point = getattr(asker, "focal_point", None)
    address = focal_point.email if focal_point is not None else asker.email
    if not address:
        return
    render_email(
        "exchange-answered",
        {"exchange": exchange, "practice": exchange.practice, "asker": asker},
        to=[address],
    ).send()

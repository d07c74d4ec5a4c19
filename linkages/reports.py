"""The participant list of an event: confirmed participants only, by state, as a PDF rendered
by the report machinery (core.pdf)."""

from django.template.loader import render_to_string

from core.clock import secretariat_today
from core.pdf import render_pdf

from .services import participants

TEMPLATE = "reports/event_participants.html"


def participant_list_render(*, event):
    context = {
        "event": event,
        "participants": participants(event),
        "report_date": secretariat_today(),
    }
    return render_pdf(render_to_string(TEMPLATE, context))

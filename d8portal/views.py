import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from kombu import Connection

from actionplans.models import ActionPlan
from meetings.models import Meeting
from memberstates.models import MemberState, MoU

health_log = logging.getLogger("d8portal.health")

# The home page shows this many open plans and counts the rest.
HOME_PLANS = 12


def home(request):
    plans, open_plan_count = (
        ActionPlan.objects.of_the_d8()
        .select_related("proposed_by", "adopted_at")
        .open_with_progress(HOME_PLANS)
    )
    context = {
        "member_states": MemberState.objects.prefetch_related("sme_bodies"),
        "upcoming_meetings": Meeting.objects.upcoming().select_related("host_state", "task_force"),
        "recent_meetings": Meeting.objects.recent().select_related("host_state", "task_force")[:5],
        "action_plans": plans,
        "open_plan_count": open_plan_count,
        "mous": MoU.objects.with_adherence(),
        "state_count": MemberState.objects.count(),
    }
    return render(request, "home.html", context)


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


def _database_problem():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # whatever the driver raises, the database is not answering
        return str(exc)
    return None


def _broker_problem():
    if not settings.CELERY_BROKER_URL:
        return None  # embedded mode: tasks run in-process
    try:
        # Bounded at every step: a broker that accepts and never answers is a failure too.
        timeouts = {"socket_timeout": 2, "socket_connect_timeout": 2}
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=timeouts
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # kombu raises transport-specific errors
        return str(exc)
    return None


@never_cache
def healthz(request):
    """200 when the database and the broker answer, 503 otherwise.

    Anyone may ask, so the answer is the status alone: what failed and why (a database role, a
    broker's address) goes to the log.
    """
    problems = {"database": _database_problem(), "broker": _broker_problem()}
    failed = {name: problem for name, problem in problems.items() if problem}
    if failed:
        details = "; ".join(f"{name}: {problem}" for name, problem in failed.items())
        health_log.warning("Health check failed: %s", details, extra={"failed": [*failed]})
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})

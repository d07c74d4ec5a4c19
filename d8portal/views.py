from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from kombu import Connection

from actionplans.models import ActionPlan
from meetings.models import Meeting
from memberstates.models import MemberState, MoU

from .forms import ApiTokenForm
from .models import ApiToken


def home(request):
    context = {
        "member_states": MemberState.objects.prefetch_related("sme_bodies"),
        "upcoming_meetings": Meeting.objects.upcoming().select_related("host_state", "task_force"),
        "recent_meetings": Meeting.objects.recent().select_related("host_state", "task_force")[:5],
        "action_plans": ActionPlan.objects.open()
        .with_progress()
        .select_related("proposed_by", "adopted_at"),
        "mous": MoU.objects.with_adherence(),
        "state_count": MemberState.objects.count(),
    }
    return render(request, "home.html", context)


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("favicon.svg"), permanent=True)


@login_required
def after_login(request):
    """Focal points and the Secretariat land on their action items; delegates on meetings."""
    if request.user.is_staff or MemberState.objects.of_focal_point(request.user).exists():
        return redirect("actionplans:my-items")
    return redirect("meetings:list")


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
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # kombu raises transport-specific errors
        return str(exc)
    return None


@never_cache
def healthz(request):
    """200 when the database and the broker answer, 503 naming what failed otherwise."""
    problems = {"database": _database_problem(), "broker": _broker_problem()}
    failed = {name: problem for name, problem in problems.items() if problem}
    if failed:
        return JsonResponse({"status": "unavailable", **failed}, status=503)
    return JsonResponse({"status": "ok"})


@never_cache
@login_required
def api_tokens(request):
    """The user's personal API tokens: create one (its secret shown this once), list, revoke."""
    form = ApiTokenForm(request.POST or None, user=request.user)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        created, secret = form.issue()
        form = ApiTokenForm(user=request.user)
    return render(
        request,
        "d8portal/api_tokens.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.all(),
            "created": created,
            "secret": secret,
        },
    )


@require_POST
@login_required
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, f"The token “{token.name}” was revoked; it no longer works.")
    return redirect("api-tokens")

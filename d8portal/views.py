from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from actionplans.models import ActionPlan
from meetings.models import Meeting
from memberstates.models import MemberState, MoU


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


@login_required
def after_login(request):
    """Focal points and the Secretariat land on their action items; delegates on meetings."""
    if request.user.is_staff or MemberState.objects.of_focal_point(request.user).exists():
        return redirect("actionplans:my-items")
    return redirect("meetings:list")


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})

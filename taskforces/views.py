from django.shortcuts import get_object_or_404, render

from core.paginator import first_rows

from .models import TaskForce

# The task force's newest meetings; the meeting list, filtered by task force, has the rest.
MEETINGS_ON_TASK_FORCE_PAGE = 10


def task_force_list(request):
    task_forces = TaskForce.objects.prefetch_related("coordinators")
    return render(request, "taskforces/task_force_list.html", {"task_forces": task_forces})


def task_force_detail(request, slug):
    task_force = get_object_or_404(TaskForce.objects.prefetch_related("coordinators"), slug=slug)
    meetings, more_meetings = first_rows(
        task_force.meetings.select_related("host_state"), MEETINGS_ON_TASK_FORCE_PAGE
    )
    return render(
        request,
        "taskforces/task_force_detail.html",
        {"task_force": task_force, "meetings": meetings, "more_meetings": more_meetings},
    )

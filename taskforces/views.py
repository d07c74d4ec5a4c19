from django.shortcuts import get_object_or_404, render

from .models import TaskForce


def task_force_list(request):
    task_forces = TaskForce.objects.prefetch_related("coordinators")
    return render(request, "taskforces/task_force_list.html", {"task_forces": task_forces})


def task_force_detail(request, slug):
    task_force = get_object_or_404(TaskForce.objects.prefetch_related("coordinators"), slug=slug)
    meetings = task_force.meetings.select_related("host_state")
    return render(
        request,
        "taskforces/task_force_detail.html",
        {"task_force": task_force, "meetings": meetings},
    )

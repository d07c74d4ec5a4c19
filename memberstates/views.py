from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from core.paginator import first_rows

from .forms import FocalPointContactFormSet
from .models import FocalPoint, MemberState, MoU, MoUAccession


def state_list(request):
    states = MemberState.objects.prefetch_related(
        "sme_bodies", Prefetch("accessions", MoUAccession.objects.select_related("mou"))
    )
    return render(
        request,
        "memberstates/state_list.html",
        {"states": states, "mous": MoU.objects.with_adherence(), "state_count": len(states)},
    )


# The state page lists this many practices; the catalogue, filtered by state, has the rest.
PRACTICES_ON_STATE_PAGE = 12
# The newest meetings a state hosted; the meeting list, filtered by host, has the rest.
MEETINGS_ON_STATE_PAGE = 10


def state_detail(request, slug):
    state = get_object_or_404(MemberState, slug=slug)
    focal_points = (
        FocalPoint.objects.filter(body__state=state, is_active=True).select_related("body")
        if request.user.is_authenticated
        else FocalPoint.objects.none()
    )
    hosted_meetings, more_hosted_meetings = first_rows(
        state.hosted_meetings.select_related("task_force"), MEETINGS_ON_STATE_PAGE
    )
    context = {
        "state": state,
        "bodies": state.sme_bodies.all(),
        "accessions": state.accessions.select_related("mou"),
        "task_forces": state.coordinated_task_forces.all(),
        "hosted_meetings": hosted_meetings,
        "more_hosted_meetings": more_hosted_meetings,
        # Upper records through the reverse relation only: knowledge is above this app.
        "best_practices": state.best_practices.for_state_page()[:PRACTICES_ON_STATE_PAGE],
        "practice_count": state.best_practices.published().count(),
        "focal_points": focal_points,
    }
    return render(request, "memberstates/state_detail.html", context)


@login_required
def my_state(request):
    """A focal point keeps their own state's focal-point contact details current."""
    state = MemberState.objects.of_focal_point(request.user).first()
    if state is None:
        raise PermissionDenied("This page is for the focal points of a member state.")
    queryset = FocalPoint.objects.filter(body__state=state, is_active=True).select_related("body")
    formset = FocalPointContactFormSet(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, f"The contact details of {state} were saved.")
        return redirect("memberstates:my-state")
    return render(request, "memberstates/my_state.html", {"state": state, "formset": formset})

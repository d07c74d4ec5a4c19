from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import is_secretariat
from core.clock import secretariat_today
from core.db import counts_by
from core.paginator import known_count_paginator
from core.pdf import pdf_download
from memberstates.models import MemberState

from .forms import (
    MyItemsFilterForm,
    PlanListFilterForm,
    ProgressUpdateForm,
)
from .models import (
    ActionItem,
    ActionPlan,
    ProgressUpdate,
)
from .reports import (
    action_plan_report_render,
)
from .services import progress_update_post

ITEMS_PER_PAGE = 25
PLANS_PER_PAGE = 25
PLAN_ITEMS_PER_PAGE = 50
UPDATES_PER_PAGE = 20


def _with_responsible_states(items):
    # The plan's agreement, when it is an agreement's cooperation plan, is the page it links to.
    return items.select_related("lead_state", "plan__agreement").prefetch_related(
        "supporting_states"
    )


def plan_list(request):
    """The D-8's action plans, open ones first shown, each with its progress."""
    form = PlanListFilterForm(request.GET or None)
    plans = form.plans(ActionPlan.objects.of_the_d8().select_related("proposed_by"))
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    progress = ActionPlan.objects.filter(pk__in=[plan.pk for plan in page]).with_progress()
    totals = {p.pk: (p.weighted_percent, p.total_weight) for p in progress}
    for plan in page:
        plan.weighted_percent, plan.total_weight = totals[plan.pk]
    return render(
        request,
        "actionplans/plan_list.html",
        {"form": form, "page": page},
    )


def plan_detail(request, slug):
    plan = get_object_or_404(
        ActionPlan.objects.of_the_d8()
        .with_progress()
        .select_related("proposed_by", "tabled_at", "adopted_at"),
        slug=slug,
    )
    items = _with_responsible_states(plan.items.select_related("outcome__meeting"))
    page = Paginator(items, PLAN_ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    visible_ids = (
        ActionItem.objects.visible_to(request.user).filter(pk__in=[item.pk for item in page]).ids()
    )
    return render(
        request,
        "actionplans/plan_detail.html",
        {"plan": plan, "page": page, "visible_ids": visible_ids, "today": secretariat_today()},
    )


@login_required
def my_items(request):
    """The items the focal point's state is lead or supporting on; all items for the Secretariat."""
    states = list(MemberState.objects.of_focal_point(request.user))
    if not states and not is_secretariat(request.user):
        raise PermissionDenied("This page is for focal points and the Secretariat.")
    form = MyItemsFilterForm(request.GET or None)
    if not is_secretariat(request.user):
        del form.fields["state"]
    filters = {}
    if form.is_bound:
        form.is_valid()  # invalid filters are shown as errors and left out
        filters = form.cleaned_data

    today = secretariat_today()
    items = ActionItem.objects.visible_to(request.user).matching(
        plan=filters.get("plan"),
        state=filters.get("state"),
        overdue=True if filters.get("overdue") else None,
        due_within=filters.get("due_within"),
        role=filters.get("role"),
        of_states=states,
        today=today,
    )
    status_counts = counts_by(items, "status")
    status = filters.get("status")
    items = items.matching(status=status, today=today)
    items = _with_responsible_states(items).order_by(filters.get("sort") or "due_date", "pk")
    # The status counts are an aggregate the page shows anyway: the total comes from them.
    total = status_counts.get(status, 0) if status else sum(status_counts.values())
    page = known_count_paginator(items, ITEMS_PER_PAGE, total).get_page(request.GET.get("page"))
    return render(
        request,
        "actionplans/my_items.html",
        {
            "form": form,
            "page": page,
            "states": states,
            "status_counts": [
                (label, status_counts.get(value, 0)) for value, label in ActionItem.Status.choices
            ],
            "today": today,
        },
    )


def _visible_item(request, pk):
    items = _with_responsible_states(ActionItem.objects.visible_to(request.user))
    return get_object_or_404(items.select_related("outcome__meeting"), pk=pk)


@login_required
def item_detail(request, pk):
    item = _visible_item(request, pk)
    if request.method == "POST":
        form = ProgressUpdateForm(
            request.POST,
            request.FILES,
            item=item,
            too_large=getattr(request, "too_large_uploads", ()),
        )
        if form.is_valid():
            progress_update_post(item=item, user=request.user, **form.cleaned_data)
            messages.success(request, "Your progress update was recorded.")
            return redirect(item)
    else:
        form = ProgressUpdateForm(item=item, initial={"status": item.status})
    updates = item.progress_updates.select_related("author__focal_point__body__state")
    page = Paginator(updates, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "actionplans/item_detail.html",
        {"item": item, "form": form, "page": page, "today": secretariat_today()},
    )


@login_required
def evidence(request, pk, update_pk):
    item = _visible_item(request, pk)
    update = get_object_or_404(
        ProgressUpdate.objects.filter(item=item).exclude(evidence=""), pk=update_pk
    )
    try:
        handle = update.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The evidence file is missing.") from exc
    return FileResponse(
        handle, as_attachment=True, filename=update.evidence_name or update.evidence.name
    )


def plan_report(request, slug):
    """The plan's progress report as a PDF, showing the reader what the plan's page shows."""
    plan = get_object_or_404(ActionPlan.objects.of_the_d8(), slug=slug)
    return pdf_download(
        lambda: action_plan_report_render(plan=plan, user=request.user),
        filename=f"{plan.title} - progress report {secretariat_today():%Y-%m-%d}.pdf",
        too_long="The progress report took too long to render; please try again later.",
    )

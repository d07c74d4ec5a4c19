import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import is_secretariat
from core.clock import secretariat_today
from core.db import counts_by
from core.paginator import CappedPaginator, known_count_paginator
from core.pdf import RenderTimedOut
from memberstates.models import MemberState

from .forms import (
    BestPracticeForm,
    CatalogueFilterForm,
    ExchangeReplyForm,
    ExchangeRequestForm,
    OurPracticesFilterForm,
)
from .models import BestPractice, BestPracticeAttachment, ExchangeRequest, InvalidTransition
from .reports import CompendiumTooLarge, compendium_render
from .services import (
    attachment_remove,
    best_practice_save,
    best_practice_submit,
    exchange_request_close,
    exchange_request_create,
    exchange_request_reply,
    may_ask_for_exchange,
    may_close_exchange,
)

PRACTICES_PER_PAGE = 20
# A search for a common word counts up to here ("1,000+"), not every match.
SEARCH_COUNT_CAP = 1000
EXCHANGES_PER_PAGE = 25
OUR_PRACTICES_PER_PAGE = 25


def _filter_form(request):
    """The catalogue's filter form, bound to the query string, and whether it is valid."""
    form = CatalogueFilterForm(request.GET or None)
    return form, (not form.is_bound or form.is_valid())


def catalogue(request):
    """Published practices, filtered and searched; bad filters answer 400 with their errors."""
    form, valid = _filter_form(request)
    page = None
    if valid:
        filters = form.filters() if form.is_bound else {}
        practices = BestPractice.objects.published().matching(**filters).for_cards()
        page = CappedPaginator(practices, PRACTICES_PER_PAGE, cap=SEARCH_COUNT_CAP).get_page(
            request.GET.get("page")
        )
    context = {
        "form": form,
        "page": page,
        "my_states": list(MemberState.objects.of_focal_point(request.user)),
    }
    return render(request, "knowledge/catalogue.html", context, status=200 if valid else 400)


def compendium(request):
    """The compendium PDF of the published practices the catalogue's filters select."""
    form, valid = _filter_form(request)
    if not valid:
        errors = "; ".join(f"{field}: {' '.join(e)}" for field, e in form.errors.items())
        return HttpResponse(f"Invalid filters. {errors}", status=400, content_type="text/plain")
    filters = form.filters() if form.is_bound else {}
    try:
        rendered = compendium_render(filters=filters, applied=form.described())
    except CompendiumTooLarge as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    except RenderTimedOut:
        return HttpResponse(
            "The compendium took too long to render; narrow the filters.",
            status=503,
            content_type="text/plain",
        )
    filename = f"D-8 SME best practices - compendium {secretariat_today():%Y-%m-%d}.pdf"
    return FileResponse(io.BytesIO(rendered.content), as_attachment=True, filename=filename)


def _practice_with_records(user):
    return (
        BestPractice.objects.visible_to(user)
        .without_vector()
        .select_related("state", "body", "contact__body", "published_by")
        .prefetch_related("themes", "meetings__task_force", "action_items", "attachments")
    )


def _render_detail(request, practice, *, exchange_form=None, status=200):
    my_states = list(MemberState.objects.of_focal_point(request.user))
    is_own = any(state.pk == practice.state_id for state in my_states)
    exchanges = list(
        ExchangeRequest.objects.visible_to(request.user)
        .filter(practice=practice)
        .select_related("requesting_state")
    )
    # One open request per state and practice: the state's own is shown instead of the form.
    open_request = next(
        (
            e
            for e in exchanges
            if e.status == ExchangeRequest.Status.OPEN
            and any(state.pk == e.requesting_state_id for state in my_states)
        ),
        None,
    )
    may_ask = open_request is None and may_ask_for_exchange(practice, request.user)
    context = {
        "open_request": open_request,
        "practice": practice,
        "is_own": is_own,
        "may_ask": may_ask,
        "exchange_form": exchange_form or (ExchangeRequestForm() if may_ask else None),
        "exchanges": exchanges,
    }
    return render(request, "knowledge/practice_detail.html", context, status=status)


def practice_detail(request, pk):
    practice = get_object_or_404(_practice_with_records(request.user), pk=pk)
    return _render_detail(request, practice)


def _states_or_403(user):
    states = MemberState.objects.of_focal_point(user)
    if not states.exists():
        raise PermissionDenied("This page is for the focal points of a member state.")
    return states


def _own_practice(request, pk):
    """A practice of the user's states, or 404: other states' ids are not even confirmed."""
    states = MemberState.objects.of_focal_point(request.user)
    return get_object_or_404(BestPractice.objects.filter(state__in=states), pk=pk)


@login_required
def our_practices(request):
    """The focal point's state's practices in every status, with the Secretariat's comments, the
    latest changed first, a page at a time; the counts per status come from one aggregate."""
    states = _states_or_403(request.user)
    form = OurPracticesFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    practices = BestPractice.objects.filter(state__in=states)
    counts = counts_by(practices, "status")
    if status:
        practices = practices.filter(status=status)
    practices = practices.without_vector().select_related("state", "body")
    total = counts.get(status, 0) if status else sum(counts.values())
    page = known_count_paginator(
        practices.order_by("-updated_at", "pk"), OUR_PRACTICES_PER_PAGE, total
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/our_practices.html",
        {
            "form": form,
            "page": page,
            "states": list(states),
            "status": status,
            "status_counts": [
                (label, counts.get(value, 0)) for value, label in BestPractice.Status.choices
            ],
        },
    )


def _save(request, form):
    try:
        practice = best_practice_save(form=form, user=request.user, submit="submit" in request.POST)
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
        return redirect(form.instance)
    if practice.status == BestPractice.Status.SUBMITTED:
        messages.success(request, "The practice was submitted to the Secretariat.")
    else:
        messages.success(request, "The practice was saved as a draft.")
    return redirect(practice)


@login_required
def practice_create(request):
    states = _states_or_403(request.user)
    form = BestPracticeForm(
        request.POST or None,
        request.FILES or None,
        states=states,
        too_large=getattr(request, "too_large_uploads", ()),
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, form)
    return render(request, "knowledge/practice_form.html", {"form": form, "practice": None})


@login_required
def practice_edit(request, pk):
    practice = _own_practice(request, pk)
    if not practice.is_editable:
        messages.info(
            request,
            f"This practice is {practice.get_status_display().lower()}: it cannot be edited.",
        )
        return redirect(practice)
    form = BestPracticeForm(
        request.POST or None,
        request.FILES or None,
        instance=practice,
        too_large=getattr(request, "too_large_uploads", ()),
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, form)
    return render(request, "knowledge/practice_form.html", {"form": form, "practice": practice})


@require_POST
@login_required
def practice_submit(request, pk):
    practice = _own_practice(request, pk)
    try:
        best_practice_submit(practice=practice, user=request.user)
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The practice was submitted to the Secretariat.")
    return redirect(practice)


def attachment(request, pk, attachment_pk):
    practice = get_object_or_404(BestPractice.objects.visible_to(request.user), pk=pk)
    found = get_object_or_404(BestPracticeAttachment, practice=practice, pk=attachment_pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The attachment's file is missing.") from exc
    return FileResponse(handle, as_attachment=True, filename=found.name)


@require_POST
@login_required
def attachment_delete(request, pk, attachment_pk):
    practice = _own_practice(request, pk)
    found = get_object_or_404(BestPracticeAttachment, practice=practice, pk=attachment_pk)
    try:
        attachment_remove(attachment=found, user=request.user)
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
        return redirect(practice)
    messages.success(request, f"The attachment {found.name} was removed.")
    return redirect("knowledge:edit", pk=practice.pk)


@require_POST
@login_required
def exchange_create(request, pk):
    practice = get_object_or_404(_practice_with_records(request.user), pk=pk)
    if not may_ask_for_exchange(practice, request.user):
        raise PermissionDenied("Focal points of another member state ask for exchanges.")
    form = ExchangeRequestForm(request.POST)
    if form.is_valid():
        try:
            exchange = exchange_request_create(
                practice=practice, user=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Your request was sent to the focal points of {practice.state}."
            )
            return redirect(exchange)
    return _render_detail(request, practice, exchange_form=form, status=400)


@login_required
def exchange_list(request):
    """Requests the user's state made or received; every request for the Secretariat."""
    if not is_secretariat(request.user):
        _states_or_403(request.user)
    exchanges = ExchangeRequest.objects.visible_to(request.user).for_listing()
    page = Paginator(exchanges, EXCHANGES_PER_PAGE).get_page(request.GET.get("page"))
    my_states = list(MemberState.objects.of_focal_point(request.user))
    return render(request, "knowledge/exchange_list.html", {"page": page, "my_states": my_states})


@login_required
def exchange_detail(request, pk):
    exchange = get_object_or_404(
        ExchangeRequest.objects.visible_to(request.user).for_listing().select_related("replied_by"),
        pk=pk,
    )
    my_states = MemberState.objects.of_focal_point(request.user)
    may_reply = (
        exchange.status == ExchangeRequest.Status.OPEN
        and my_states.filter(pk=exchange.practice.state_id).exists()
    )
    closing = request.POST.get("action") == "close"
    reply_form = ExchangeReplyForm(
        request.POST if request.method == "POST" and not closing else None
    )
    status = 200
    try:
        if closing:
            exchange_request_close(exchange=exchange, user=request.user)
            messages.success(request, "The request was closed.")
            return redirect(exchange)
        if reply_form.is_bound:
            if exchange.status == ExchangeRequest.Status.OPEN and not may_reply:
                raise PermissionDenied("Only the owning state's focal points answer a request.")
            if reply_form.is_valid():
                exchange_request_reply(
                    exchange=exchange, user=request.user, reply=reply_form.cleaned_data["reply"]
                )
                messages.success(request, "Your answer was sent.")
                return redirect(exchange)
            status = 400
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
        return redirect(exchange)
    context = {
        "exchange": exchange,
        "reply_form": reply_form if may_reply else None,
        "may_close": may_close_exchange(exchange, request.user),
    }
    return render(request, "knowledge/exchange_detail.html", context, status=status)

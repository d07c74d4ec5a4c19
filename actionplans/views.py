import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Prefetch, Q, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from d8portal.clock import secretariat_today
from d8portal.uploads import upload_limited
from memberstates.models import MemberState

from .consultations import consultation_answer
from .forms import (
    ConsultationAnswerForm,
    ConsultationCommentFormSet,
    MyItemsFilterForm,
    ProgressUpdateForm,
)
from .models import (
    ActionItem,
    ActionPlan,
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ProgressUpdate,
)
from .reports import (
    action_plan_report_render,
    consultation_compilation_render,
    consultation_compilation_workbook,
)
from .services import progress_update_post

ITEMS_PER_PAGE = 25


def _with_responsible_states(items):
    return items.select_related("lead_state", "plan").prefetch_related("supporting_states")


def plan_detail(request, slug):
    plan = get_object_or_404(
        ActionPlan.objects.with_progress().select_related("proposed_by", "tabled_at", "adopted_at"),
        slug=slug,
    )
    items = _with_responsible_states(plan.items.select_related("outcome__meeting"))
    visible_ids = set(
        ActionItem.objects.visible_to(request.user).filter(plan=plan).values_list("pk", flat=True)
    )
    return render(
        request,
        "actionplans/plan_detail.html",
        {"plan": plan, "items": items, "visible_ids": visible_ids, "today": secretariat_today()},
    )


@login_required
def my_items(request):
    """The items the focal point's state is lead or supporting on; all items for the Secretariat."""
    states = list(MemberState.objects.of_focal_point(request.user))
    if not states and not request.user.is_staff:
        raise PermissionDenied("This page is for focal points and the Secretariat.")
    form = MyItemsFilterForm(request.GET or None)
    if not request.user.is_staff:
        del form.fields["state"]
    filters = {}
    if form.is_bound:
        form.is_valid()  # invalid filters are shown as errors and left out
        filters = form.cleaned_data

    items = ActionItem.objects.visible_to(request.user)
    today = secretariat_today()
    if filters.get("plan"):
        items = items.filter(plan=filters["plan"])
    if filters.get("state"):
        items = items.for_state(filters["state"])
    if filters.get("overdue"):
        items = items.overdue(today)
    if filters.get("due_within") is not None:
        items = items.due_within(filters["due_within"], today)
    if filters.get("role") and states:
        lead = Q(lead_state__in=states)
        items = items.filter(lead) if filters["role"] == "lead" else items.exclude(lead)

    status_counts = dict(
        items.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    if filters.get("status"):
        items = items.filter(status=filters["status"])
    items = _with_responsible_states(items).order_by(filters.get("sort") or "due_date", "pk")

    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
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
            "query": query.urlencode(),
            "today": today,
        },
    )


def _visible_item(request, pk):
    items = _with_responsible_states(ActionItem.objects.visible_to(request.user))
    return get_object_or_404(items.select_related("outcome__meeting"), pk=pk)


@login_required
@upload_limited
def item_detail(request, pk):
    item = _visible_item(request, pk)
    if request.method == "POST":
        form = ProgressUpdateForm(
            request.POST, request.FILES, too_large=getattr(request, "too_large_uploads", ())
        )
        if form.is_valid():
            progress_update_post(item=item, user=request.user, **form.cleaned_data)
            messages.success(request, "Your progress update was recorded.")
            return redirect(item)
    else:
        form = ProgressUpdateForm(initial={"status": item.status})
    updates = item.progress_updates.select_related("author__focal_point__body__state")
    return render(
        request,
        "actionplans/item_detail.html",
        {"item": item, "form": form, "updates": updates, "today": secretariat_today()},
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
    plan = get_object_or_404(ActionPlan, slug=slug)
    rendered = action_plan_report_render(plan=plan, user=request.user)
    filename = f"{plan.title} - progress report {secretariat_today():%Y-%m-%d}.pdf"
    return FileResponse(io.BytesIO(rendered.content), as_attachment=True, filename=filename)


# --- Written consultations --------------------------------------------------------------------

CONSULTATIONS_PER_PAGE = 20
RECENTLY_CLOSED = 10


def _with_subject(consultations):
    return consultations.select_related("plan__proposed_by", "document__meeting")


def consultation_list(request):
    """Closed consultations for everyone; open ones for the focal points of consulted states;
    every one, drafts included, for the Secretariat."""
    consultations = (
        _with_subject(Consultation.objects.visible_to(request.user))
        .with_counts()
        .order_by(
            Case(
                When(status=Consultation.Status.OPEN, then=0),
                When(status=Consultation.Status.DRAFT, then=1),
                default=2,
            ),
            Case(When(status=Consultation.Status.OPEN, then=F("deadline"))).asc(nulls_last=True),
            F("deadline").desc(nulls_first=True),
            "-pk",
        )
    )
    page = Paginator(consultations, CONSULTATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "actionplans/consultation_list.html",
        {"page": page, "today": secretariat_today()},
    )


@login_required
def my_consultations(request):
    """The focal point's view: open consultations their state is asked to answer, with the
    state's answer so far, and the latest closed ones."""
    states = list(MemberState.objects.of_focal_point(request.user))
    if not states:
        if request.user.is_staff:
            return redirect("actionplans:consultation-list")
        raise PermissionDenied("This page is for focal points.")
    consultations = _with_subject(Consultation.objects.for_states(states)).prefetch_related(
        Prefetch(
            "answers",
            queryset=ConsultationAnswer.objects.filter(state__in=states).select_related("state"),
            to_attr="my_answers",
        ),
        Prefetch("states", queryset=MemberState.objects.filter(pk__in=[s.pk for s in states])),
    )
    today = secretariat_today()

    def rows(consultations):
        for consultation in consultations:
            answers = {answer.state_id: answer for answer in consultation.my_answers}
            for state in consultation.states.all():
                yield {
                    "consultation": consultation,
                    "state": state,
                    "answer": answers.get(state.pk),
                    "takes_answers": consultation.takes_answers(today),
                }

    open_consultations = consultations.open().order_by("deadline", "pk")
    closed = consultations.closed().order_by("-closed_at", "-pk")[:RECENTLY_CLOSED]
    return render(
        request,
        "actionplans/my_consultations.html",
        {
            "states": states,
            "open_rows": list(rows(open_consultations)),
            "closed_rows": list(rows(closed)),
            "today": today,
        },
    )


def _visible_consultation(request, pk):
    consultations = _with_subject(Consultation.objects.visible_to(request.user)).with_counts()
    return get_object_or_404(consultations, pk=pk)


def consultation_detail(request, pk):
    """The consultation: the draft, the deadline and its extensions, the answers the reader
    may see; once closed, a public page of the result and each state's position."""
    consultation = _visible_consultation(request, pk)
    answers = (
        ConsultationAnswer.objects.visible_to(request.user)
        .filter(consultation=consultation)
        .select_related("state")
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=ConsultationComment.objects.select_related("item").order_by("pk"),
            )
        )
        .order_by("state__name")
    )
    my_states = list(
        MemberState.objects.of_focal_point(request.user).filter(consultations=consultation)
    )
    answered = {answer.state_id for answer in answers}
    today = secretariat_today()
    return render(
        request,
        "actionplans/consultation_detail.html",
        {
            "consultation": consultation,
            "answers": answers,
            "my_states": [(state, state.pk in answered) for state in my_states],
            "extensions": consultation.extensions.select_related("extended_by"),
            "consulted": consultation.states.all(),
            "takes_answers": consultation.takes_answers(today),
            "may_download": consultation.is_closed or request.user.is_staff,
            "today": today,
        },
    )


@login_required
def consultation_answer_page(request, pk, state):
    """A focal point answers for their own state, or revises the answer, until the deadline.

    Another state's slug in the URL is 404, whatever the consultation.
    """
    consultation = _visible_consultation(request, pk)
    state = get_object_or_404(
        MemberState.objects.of_focal_point(request.user).filter(consultations=consultation),
        slug=state,
    )
    if consultation.is_closed:
        return redirect(consultation)
    answer = (
        ConsultationAnswer.objects.filter(consultation=consultation, state=state)
        .prefetch_related(Prefetch("comments", queryset=ConsultationComment.objects.order_by("pk")))
        .first()
    )
    comment_forms = {"prefix": "comments", "form_kwargs": {"consultation": consultation}}
    if request.method == "POST":
        form = ConsultationAnswerForm(request.POST)
        formset = ConsultationCommentFormSet(request.POST, **comment_forms)
        if form.is_valid() and formset.is_valid():
            try:
                consultation_answer(
                    consultation=consultation,
                    user=request.user,
                    state=state,
                    position=form.cleaned_data["position"],
                    reasons=form.cleaned_data["reasons"],
                    comments=[f.comment() for f in formset if not f.is_blank],
                )
            except ValidationError as error:
                _show_errors(error, form)
            else:
                messages.success(
                    request,
                    f"The answer of {state} was recorded. It can be revised until "
                    f"{consultation.deadline:%d %B %Y}.",
                )
                return redirect(consultation)
    else:
        form = ConsultationAnswerForm(
            initial={"position": answer.position, "reasons": answer.reasons} if answer else None
        )
        initial = [
            {"item": c.item_id, "section": c.section, "text": c.text}
            for c in (answer.comments.all() if answer else [])
        ]
        formset = ConsultationCommentFormSet(initial=initial, **comment_forms)
    return render(
        request,
        "actionplans/consultation_answer.html",
        {
            "consultation": consultation,
            "state": state,
            "answer": answer,
            "form": form,
            "formset": formset,
            "takes_answers": consultation.takes_answers(),
        },
    )


def _show_errors(error, form):
    """Put a service's ValidationError on the form: by field where the form has the field,
    else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field_name, errors in error.error_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)


def _downloadable_consultation(request, pk):
    """The compilation of comments: the Secretariat's at any time, everyone's once closed."""
    consultation = get_object_or_404(Consultation, pk=pk)
    if not (consultation.is_closed or request.user.is_staff):
        raise Http404("No such compilation.")
    return consultation


def consultation_compilation_pdf(request, pk):
    consultation = _downloadable_consultation(request, pk)
    rendered = consultation_compilation_render(consultation=consultation)
    filename = f"{consultation.title} - compilation of comments.pdf"
    return FileResponse(io.BytesIO(rendered.content), as_attachment=True, filename=filename)


def consultation_compilation_xlsx(request, pk):
    consultation = _downloadable_consultation(request, pk)
    content = consultation_compilation_workbook(consultation=consultation)
    filename = f"{consultation.title} - compilation of comments.xlsx"
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, Prefetch, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import is_secretariat
from actionplans.models import ActionItem
from core.clock import long_date, secretariat_today
from core.pdf import pdf_download
from memberstates.models import MemberState

from .forms import (
    ConsultationAnswerForm,
    ConsultationCommentFormSet,
)
from .models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
)
from .reports import (
    consultation_compilation_render,
    consultation_compilation_workbook,
)
from .services import consultation_answer

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
        "consultations/consultation_list.html",
        {"page": page, "today": secretariat_today()},
    )


@login_required
def my_consultations(request):
    """The focal point's view: open consultations their state is asked to answer, with the
    state's answer so far, and the latest closed ones."""
    states = list(MemberState.objects.of_focal_point(request.user))
    if not states:
        if is_secretariat(request.user):
            return redirect("consultations:consultation-list")
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
        "consultations/my_consultations.html",
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
    # The comments' items the reader may open are linked, the others named.
    visible_item_ids = set(
        ActionItem.objects.visible_to(request.user)
        .filter(consultation_comments__consultation=consultation)
        .values_list("pk", flat=True)
    )
    today = secretariat_today()
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "consultation": consultation,
            "answers": answers,
            "my_states": [(state, state.pk in answered) for state in my_states],
            "extensions": consultation.extensions.select_related("extended_by"),
            "consulted": consultation.states.all(),
            "takes_answers": consultation.takes_answers(today),
            "may_download": consultation.is_closed or is_secretariat(request.user),
            "visible_item_ids": visible_item_ids,
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
    if request.method == "POST" and "add_rows" in request.POST:
        # "Add more comment rows" (in place with htmx, else a new page): what was typed is kept
        # as the rows' starting values, nothing is saved, and three empty rows follow.
        form = ConsultationAnswerForm(initial=request.POST.dict())
        formset = ConsultationCommentFormSet(initial=_typed_rows(request.POST), **comment_forms)
    elif request.method == "POST":
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
                    f"{long_date(consultation.deadline)}.",
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
        "consultations/consultation_answer.html",
        {
            "consultation": consultation,
            "state": state,
            "answer": answer,
            "form": form,
            "formset": formset,
            "takes_answers": consultation.takes_answers(),
        },
    )


def _typed_rows(data, prefix="comments"):
    """The comment rows as typed in a posted answer form, empty ones left out."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 100)
    except ValueError:
        total = 0
    rows = [
        {key: data.get(f"{prefix}-{i}-{key}", "") for key in ("item", "section", "text")}
        for i in range(total)
    ]
    return [row for row in rows if any(value.strip() for value in row.values())]


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
    if not (consultation.is_closed or is_secretariat(request.user)):
        raise Http404("No such compilation.")
    return consultation


def consultation_compilation_pdf(request, pk):
    consultation = _downloadable_consultation(request, pk)
    return pdf_download(
        lambda: consultation_compilation_render(consultation=consultation),
        filename=f"{consultation.title} - compilation of comments.pdf",
        too_long="The compilation took too long to render; please try again later.",
    )


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

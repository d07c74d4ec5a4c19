import io
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import FeedToken
from accounts.roles import is_secretariat
from core.clock import secretariat_today
from core.deadlines import deadlines_for
from core.pdf import RenderTimedOut
from meetings.models import Meeting
from memberstates.models import MemberState

from . import calendars
from .forms import (
    DeclineForm,
    MessageForm,
    NominationForm,
    OpportunityFilterForm,
    OpportunityForm,
)
from .models import Event, InterestExpression, InvalidTransition, Nomination, Opportunity
from .reports import participant_list_render
from .services import (
    interest_express,
    interest_message_post,
    interested_state,
    may_decide,
    nomination_create,
    nomination_decide,
    opportunity_save,
    opportunity_submit,
)

PER_PAGE = 20
# The public feed reaches this far back; older records are history, not a calendar.
FEED_HISTORY_DAYS = 365


def _my_states(user):
    return list(MemberState.objects.of_focal_point(user))


def _states_or_403(user):
    states = MemberState.objects.of_focal_point(user)
    if not states.exists():
        raise PermissionDenied("This page is for the focal points of a member state.")
    return states


# --- Opportunities -------------------------------------------------------------------------


def opportunity_catalogue(request):
    """Published opportunities, filtered and searched; bad filters answer 400."""
    form = OpportunityFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    page = None
    if valid:
        filters = form.filters() if form.is_bound else {}
        found = Opportunity.objects.published().matching(**filters).for_listing()
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "my_states": _my_states(request.user),
    }
    return render(request, "linkages/opportunity_list.html", context, status=200 if valid else 400)


def _render_opportunity(request, opportunity, *, form=None, status=200):
    my_states = _my_states(request.user)
    interests = list(
        InterestExpression.objects.visible_to(request.user)
        .filter(opportunity=opportunity)
        .select_related("state")
    )
    own_interest = next((i for i in interests if any(s.pk == i.state_id for s in my_states)), None)
    may_express = own_interest is None and interested_state(opportunity, request.user) is not None
    context = {
        "opportunity": opportunity,
        "is_own": any(s.pk == opportunity.state_id for s in my_states),
        "interests": interests,
        "own_interest": own_interest,
        "interest_form": form or (MessageForm() if may_express else None),
    }
    return render(request, "linkages/opportunity_detail.html", context, status=status)


def _visible_opportunity(request, pk):
    found = Opportunity.objects.visible_to(request.user).without_vector()
    return get_object_or_404(found.select_related("state", "body"), pk=pk)


def opportunity_detail(request, pk):
    return _render_opportunity(request, _visible_opportunity(request, pk))


def opportunity_attachment(request, pk):
    opportunity = _visible_opportunity(request, pk)
    if not opportunity.attachment:
        raise Http404("This opportunity has no attachment.")
    try:
        handle = opportunity.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The attachment's file is missing.") from exc
    name = f"opportunity-{opportunity.pk}{PurePath(opportunity.attachment.name).suffix}"
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
def our_opportunities(request):
    states = _states_or_403(request.user)
    found = Opportunity.objects.filter(state__in=states).for_listing().order_by("-updated_at", "pk")
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "linkages/our_opportunities.html", {"page": page, "states": list(states)}
    )


def _save(request, form):
    try:
        opportunity = opportunity_save(
            form=form, user=request.user, submit="submit" in request.POST
        )
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
        return redirect(form.instance)
    if opportunity.status == Opportunity.Status.SUBMITTED:
        messages.success(request, "The opportunity was submitted to the Secretariat.")
    else:
        messages.success(request, "The opportunity was saved as a draft.")
    return redirect(opportunity)


@login_required
def opportunity_create(request):
    states = _states_or_403(request.user)
    form = OpportunityForm(
        request.POST or None,
        request.FILES or None,
        states=states,
        too_large=getattr(request, "too_large_uploads", ()),
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, form)
    status = 400 if form.is_bound else 200
    return render(request, "linkages/opportunity_form.html", {"form": form}, status=status)


def _own_opportunity(request, pk):
    states = MemberState.objects.of_focal_point(request.user)
    found = Opportunity.objects.filter(state__in=states).without_vector()
    return get_object_or_404(found, pk=pk)


@login_required
def opportunity_edit(request, pk):
    opportunity = _own_opportunity(request, pk)
    if not opportunity.is_editable:
        messages.info(request, "This opportunity is with the Secretariat: it cannot be edited.")
        return redirect(opportunity)
    form = OpportunityForm(
        request.POST or None,
        request.FILES or None,
        instance=opportunity,
        too_large=getattr(request, "too_large_uploads", ()),
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, form)
    context = {"form": form, "opportunity": opportunity}
    return render(
        request, "linkages/opportunity_form.html", context, status=400 if form.is_bound else 200
    )


@require_POST
@login_required
def opportunity_submit_view(request, pk):
    opportunity = _own_opportunity(request, pk)
    try:
        opportunity_submit(opportunity=opportunity, user=request.user)
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "The opportunity was submitted to the Secretariat.")
    return redirect(opportunity)


@require_POST
@login_required
def interest_create(request, pk):
    opportunity = _visible_opportunity(request, pk)
    if interested_state(opportunity, request.user) is None:
        raise PermissionDenied("Focal points of another member state express interest.")
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            interest = interest_express(
                opportunity=opportunity, user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Your interest was sent to the focal points of {opportunity.state}."
            )
            return redirect(interest)
    return _render_opportunity(request, opportunity, form=form, status=400)


@login_required
def interest_list(request):
    if not is_secretariat(request.user):
        _states_or_403(request.user)
    found = InterestExpression.objects.visible_to(request.user).for_listing()
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "linkages/interest_list.html", {"page": page})


@login_required
def interest_detail(request, pk):
    interest = get_object_or_404(
        InterestExpression.objects.visible_to(request.user).for_listing(), pk=pk
    )
    sides = {interest.state_id, interest.opportunity.state_id}
    may_write = MemberState.objects.of_focal_point(request.user).filter(pk__in=sides).exists()
    form = MessageForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if not may_write:
            raise PermissionDenied("Only the focal points of the two states write here.")
        if form.is_valid():
            interest_message_post(
                interest=interest, user=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, "Your message was sent.")
            return redirect(interest)
        status = 400
    context = {
        "interest": interest,
        "thread": interest.messages.select_related("state", "author"),
        "form": form if may_write else None,
    }
    return render(request, "linkages/interest_detail.html", context, status=status)


# --- Events --------------------------------------------------------------------------------


def event_list(request):
    now = timezone.now()
    coming = Event.objects.coming(now).for_listing()[:PER_PAGE]
    past = Event.objects.past(now).for_listing()
    page = Paginator(past, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "linkages/event_list.html", {"coming": coming, "page": page})


def _event(slug):
    return get_object_or_404(Event.objects.for_listing().select_related("action_item"), slug=slug)


def _render_event(request, event, *, form=None, status=200):
    today = secretariat_today()
    my_states = _my_states(request.user)
    deciding = may_decide(event, request.user)
    nominations = Nomination.objects.visible_to(request.user).filter(event=event)
    if not deciding:
        # A host sees every state's nominations; a focal point only their own state's.
        nominations = nominations.filter(state__in=my_states)
    nominating_state = my_states[0] if my_states else None
    context = {
        "event": event,
        "nominations": nominations.select_related("state"),
        "deciding": deciding,
        "nominating_state": nominating_state,
        "takes_nominations": event.takes_nominations(today),
        "nomination_form": form
        or (NominationForm() if nominating_state and event.takes_nominations(today) else None),
        "decline_form": DeclineForm(),
        "sees_participants": event.is_visible_participants_to(request.user),
    }
    return render(request, "linkages/event_detail.html", context, status=status)


def event_detail(request, slug):
    return _render_event(request, _event(slug))


@require_POST
@login_required
def nomination_create_view(request, slug):
    event = _event(slug)
    state = MemberState.objects.of_focal_point(request.user).first()
    if state is None:
        raise PermissionDenied("Focal points nominate the participants of their state.")
    form = NominationForm(request.POST)
    if form.is_valid():
        try:
            nomination_create(event=event, user=request.user, state=state, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{form.cleaned_data['name']} was nominated.")
            return redirect(event)
    return _render_event(request, event, form=form, status=400)


@require_POST
@login_required
def nomination_decide_view(request, slug, pk):
    event = _event(slug)
    if not may_decide(event, request.user):
        raise Http404("No such nomination.")
    nomination = get_object_or_404(Nomination, event=event, pk=pk)
    confirm = request.POST.get("decision") == "confirm"
    reason = ""
    if not confirm:
        form = DeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say why the nomination is declined.")
            return redirect(event)
        reason = form.cleaned_data["reason"]
    nomination_decide(nomination=nomination, user=request.user, confirm=confirm, reason=reason)
    verb = "confirmed" if confirm else "declined"
    messages.success(request, f"The nomination of {nomination.name} was {verb}.")
    return redirect(event)


@login_required
def event_participants(request, slug):
    event = _event(slug)
    if not event.is_visible_participants_to(request.user):
        raise Http404("No participant list here.")
    try:
        rendered = participant_list_render(event=event)
    except RenderTimedOut:
        return HttpResponse("The list took too long to render.", status=503)
    filename = f"Participants - {event.slug}.pdf"
    return FileResponse(io.BytesIO(rendered.content), as_attachment=True, filename=filename)


# --- Calendars -----------------------------------------------------------------------------


def _ics(cal, filename):
    response = HttpResponse(calendars.to_ical(cal), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _base_url(request):
    return f"{request.scheme}://{request.get_host()}"


def event_ics(request, slug):
    event = _event(slug)
    cal = calendars.new_calendar(event.title)
    cal.add_component(calendars.event_component(event, base_url=_base_url(request)))
    return _ics(cal, f"{event.slug}.ics")


def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.select_related("host_state"), slug=slug)
    cal = calendars.new_calendar(meeting.full_title)
    cal.add_component(calendars.meeting_component(meeting, base_url=_base_url(request)))
    return _ics(cal, f"{meeting.slug}.ics")


def public_feed(request):
    """Meetings and events of the past year and every one to come."""
    since = secretariat_today() - timezone.timedelta(days=FEED_HISTORY_DAYS)
    base_url = _base_url(request)
    cal = calendars.new_calendar("D-8 SME meetings and events")
    meetings = Meeting.objects.filter(end_date__gte=since).select_related(
        "host_state", "task_force"
    )
    for meeting in meetings.order_by("start_date", "pk"):
        cal.add_component(calendars.meeting_component(meeting, base_url=base_url))
    events = Event.objects.filter(end__date__gte=since).for_listing().order_by("start", "pk")
    for event in events:
        cal.add_component(calendars.event_component(event, base_url=base_url))
    return _ics(cal, "d8-sme-calendar.ics")


def personal_feed(request, token):
    """The owner's deadlines, behind the feed's secret; unknown or revoked: 404."""
    found = FeedToken.find(token)
    if found is None:
        raise Http404("No such calendar.")
    base_url = _base_url(request)
    cal = calendars.new_calendar("My D-8 SME deadlines")
    for deadline in deadlines_for(found.user):
        cal.add_component(calendars.deadline_component(deadline, base_url=base_url))
    response = _ics(cal, "my-d8-deadlines.ics")
    response["Cache-Control"] = "private, no-store"
    return response

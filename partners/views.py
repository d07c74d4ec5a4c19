from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import is_secretariat
from memberstates.models import SMEBody

from .forms import ActivityForm, AgreementForm
from .models import Activity, Agreement, Partner, PartnerMeeting
from .services import activity_save, agreement_save

PARTNERS_PER_PAGE = 30


def partner_list(request):
    partners = Partner.objects.annotate(agreement_count=Count("agreements")).order_by("name")
    page = Paginator(partners, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "partners/partner_list.html", {"page": page})


def partner_detail(request, slug):
    """A partner with the agreements and activities of every state with it."""
    partner = get_object_or_404(Partner, slug=slug)
    agreements = partner.agreements.with_parties().order_by("body__state__name", "-signed_on")
    activities = (
        Activity.objects.visible_to(request.user)
        .filter(item__plan__agreement__partner=partner)
        .with_records()
        .order_by("start_date", "pk")
    )
    meetings = PartnerMeeting.objects.filter(partner=partner).select_related("meeting__host_state")
    context = {
        "partner": partner,
        "agreements": agreements,
        "activities": activities,
        "meetings": meetings,
        "may_add": bool(_own_bodies(request.user)),
    }
    return render(request, "partners/partner_detail.html", context)


def agreement_detail(request, pk):
    agreement = get_object_or_404(Agreement.objects.with_parties().select_related("plan"), pk=pk)
    shows_all = agreement.shows_all_to(request.user)
    activities = (
        Activity.objects.visible_to(request.user)
        .filter(item__plan__agreement=agreement)
        .with_records()
    )
    context = {
        "agreement": agreement,
        "shows_all": shows_all,
        "activities": activities,
        "may_edit": Agreement.objects.editable_by(request.user).filter(pk=pk).exists(),
        "accessions": agreement.mou.accessions.select_related("state") if agreement.mou_id else (),
    }
    return render(request, "partners/agreement_detail.html", context)


@login_required
def agreement_text(request, pk):
    agreement = get_object_or_404(Agreement.objects.exclude(text=""), pk=pk)
    if not agreement.shows_all_to(request.user):
        raise Http404("No such document.")
    try:
        handle = agreement.text.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The text is missing.") from exc
    return FileResponse(handle, as_attachment=True, filename=agreement.text_name or "agreement")


def _own_bodies(user):
    if not user.is_authenticated:
        return SMEBody.objects.none()
    if is_secretariat(user):
        return SMEBody.objects.select_related("state")
    return SMEBody.objects.filter(
        state__sme_bodies__focal_points__user=user,
        state__sme_bodies__focal_points__is_active=True,
    ).distinct()


def _save(form, call):
    """Call the service with the form's data; its rule errors land on the form's fields."""
    try:
        return call(**form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
def agreement_edit(request, pk=None):
    """A focal point records or changes their own state's agreement with a partner."""
    bodies = _own_bodies(request.user)
    agreement = None
    if pk is not None:
        agreement = get_object_or_404(Agreement.objects.editable_by(request.user), pk=pk)
    elif not bodies:
        raise PermissionDenied("This page is for the focal points of a member state.")
    initial = AgreementForm.initial_of(agreement) if agreement else {}
    if request.GET.get("partner"):
        initial["partner"] = Partner.objects.filter(slug=request.GET["partner"]).first()
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        bodies=bodies,
        initial=initial,
        too_large=getattr(request, "too_large_uploads", ()),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, lambda **data: agreement_save(user=request.user, agreement=agreement, **data)
        )
        if saved is not None:
            messages.success(request, f"The agreement “{saved}” was saved.")
            return redirect(saved)
    return render(request, "partners/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
def activity_edit(request, pk, activity_pk=None):
    """A focal point adds an activity to their state's agreement's plan, or changes one."""
    agreement = get_object_or_404(
        Agreement.objects.editable_by(request.user).with_parties(), pk=pk, plan__isnull=False
    )
    activity = None
    if activity_pk is not None:
        activity = get_object_or_404(
            Activity.objects.with_records(), pk=activity_pk, item__plan__agreement=agreement
        )
    form = ActivityForm(
        request.POST or None, initial=ActivityForm.initial_of(activity) if activity else {}
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda **data: activity_save(
                user=request.user, agreement=agreement, activity=activity, **data
            ),
        )
        if saved is not None:
            messages.success(request, f"The activity “{saved}” was saved.")
            return redirect(agreement)
    return render(
        request,
        "partners/activity_form.html",
        {"form": form, "agreement": agreement, "activity": activity},
    )

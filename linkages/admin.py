import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone

from core.admin import ReadOnlyAdminMixin, TooLargeUploadsAdminMixin

from .forms import ReturnForm
from .models import (
    TIME_ZONE_CHOICES,
    Event,
    InterestExpression,
    LinkageNotice,
    Nomination,
    Opportunity,
)
from .services import nomination_decide


@admin.register(Opportunity)
class OpportunityAdmin(TooLargeUploadsAdminMixin, admin.ModelAdmin):
    list_display = ["title", "state", "kind", "sector", "status", "valid_until", "submitted_at"]
    list_filter = ["status", "kind", "sector", "state", "is_illustrative"]
    list_select_related = ["state"]
    search_fields = ["title", "description", "state__name", "location"]
    autocomplete_fields = ["state", "body"]
    readonly_fields = ["status", "return_comment", "created_at", "submitted_at", "published_at"]
    actions = ["publish", "return_to_states"]

    def get_queryset(self, request):
        return super().get_queryset(request).without_vector()

    def _each(self, request, queryset, step, done):
        changed = 0
        for opportunity in queryset:
            try:
                step(opportunity)
            except ValidationError as exc:
                self.message_user(request, f"{opportunity}: {exc.messages[0]}", messages.WARNING)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} opportunit(ies) {done}.", messages.SUCCESS)

    @admin.action(
        description="Publish the selected submitted opportunities", permissions=["change"]
    )
    def publish(self, request, queryset):
        self._each(request, queryset, lambda o: o.publish(), "published")

    @admin.action(
        description="Return the selected submitted opportunities with a comment",
        permissions=["change"],
    )
    def return_to_states(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            comment = form.cleaned_data["comment"]
            self._each(
                request,
                queryset,
                lambda o: o.return_to_state(comment=comment),
                "returned to their states",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Return opportunities to their states",
            "opts": self.model._meta,
            "practices": queryset.select_related("state"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "return_to_states",
        }
        return TemplateResponse(request, "admin/linkages/opportunity/return_form.html", context)


class NominationInline(admin.TabularInline):
    model = Nomination
    extra = 0
    fields = ["state", "name", "organisation", "role", "email", "status", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventAdminForm(forms.ModelForm):
    """Start and end are typed as the host's local times, in the event's time zone."""

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "slug",
            "host_kind",
            "host_state",
            "host_body",
            "host_name",
            "format",
            "time_zone",
            "start",
            "end",
            "city",
            "venue",
            "language",
            "description",
            "registration_deadline",
            "places_per_state",
            "action_item",
            "is_illustrative",
        ]
        help_texts = {"start": "Local time of the host.", "end": "Local time of the host."}

    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="Europe/Istanbul")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.start:
            for name in ["start", "end"]:
                local = timezone.localtime(getattr(self.instance, name), self.instance.tz)
                self.initial[name] = local.replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        if zone in zoneinfo.available_timezones():
            for name in ["start", "end"]:
                if cleaned.get(name):
                    naive = timezone.make_naive(cleaned[name])
                    cleaned[name] = timezone.make_aware(naive, zoneinfo.ZoneInfo(zone))
                    setattr(self.instance, name, cleaned[name])
        return cleaned


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = ["title", "kind", "host_kind", "start", "format", "registration_deadline"]
    list_filter = ["kind", "host_kind", "format", "is_illustrative"]
    list_select_related = ["host_state", "host_body"]
    search_fields = ["title", "host_name", "city"]
    # Nine states and their bodies: plain lists; action items are many.
    autocomplete_fields = ["action_item"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start"
    inlines = [NominationInline]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    """Nominations are made by the states; the Secretariat confirms or declines them."""

    list_display = ["name", "state", "event", "organisation", "status"]
    list_filter = ["status", "state"]
    list_select_related = ["state", "event"]
    search_fields = ["name", "organisation", "email", "event__title"]
    readonly_fields = [
        "event",
        "state",
        "name",
        "organisation",
        "role",
        "email",
        "status",
        "reason",
        "nominated_by",
        "decided_by",
        "decided_at",
    ]
    actions = ["confirm"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Confirm the selected nominations", permissions=["change"])
    def confirm(self, request, queryset):
        for nomination in queryset:
            nomination_decide(nomination=nomination, user=request.user, confirm=True)
        self.message_user(request, "Nominations confirmed.", messages.SUCCESS)


@admin.register(InterestExpression)
class InterestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["opportunity", "state", "created_at"]
    list_select_related = ["opportunity", "state"]


@admin.register(LinkageNotice)
class LinkageNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "recipient", "created_at", "sent_at"]
    list_filter = ["kind"]

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from core.admin import TooLargeUploadsAdminMixin
from core.clock import secretariat_when
from core.queue import enqueue_on_commit

from .models import AgendaItem, Attendance, Document, Meeting, MeetingReport, Outcome
from .tasks import render_meeting_report


def correction_url(outcome):
    """The add page of an outcome that corrects `outcome`, prefilled from it."""
    query = urlencode(
        {
            "meeting": outcome.meeting_id,
            "corrects": outcome.pk,
            "kind": outcome.kind,
            "text": outcome.text,
        }
    )
    return f"{reverse('admin:meetings_outcome_add')}?{query}"


COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    formfield_overrides = COMPACT_TEXT
    extra = 0
    fields = ["number", "title", "description"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    formfield_overrides = COMPACT_TEXT
    extra = 0
    fields = ["state", "status", "head_of_delegation", "delegates"]
    autocomplete_fields = ["state"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state")


class FinalOutcomeInline(admin.TabularInline):
    """Published outcomes: locked, so shown read-only with a way to record a correction."""

    model = Outcome
    fk_name = "meeting"
    verbose_name = "final outcome"
    verbose_name_plural = "final outcomes (locked: record a correction to change one)"
    fields = ["number", "kind", "text", "corrects", "correction"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=Outcome.Status.FINAL)
            .select_related("corrects")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="")
    def correction(self, outcome):
        return format_html('<a href="{}">Record a correction</a>', correction_url(outcome))


class DraftOutcomeInline(admin.StackedInline):
    """Draft outcomes, editable until the meeting's outcomes are published."""

    model = Outcome
    fk_name = "meeting"
    verbose_name = "draft outcome"
    verbose_name_plural = "draft outcomes"
    fields = ["number", "kind", "text", "corrects"]
    autocomplete_fields = ["corrects"]
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=Outcome.Status.DRAFT)
            .select_related("corrects")
        )


class DocumentInline(TooLargeUploadsAdminMixin, admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "title", "file"]


class MeetingAdminForm(forms.ModelForm):
    def clean_slug(self):
        # The slug is prefilled from the kind's value (technical_session): hyphens read better.
        return self.cleaned_data["slug"].replace("_", "-")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    form = MeetingAdminForm
    list_display = [
        "__str__",
        "kind",
        "start_date",
        "end_date",
        "place",
        "status",
        "outcomes_published",
    ]
    list_filter = ["kind", "status", "format", "host_state", "task_force"]
    list_select_related = ["host_state", "task_force"]
    search_fields = ["title", "slug", "city", "venue"]
    autocomplete_fields = ["task_force", "host_state", "host_body"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["kind", "number"]}
    readonly_fields = ["outcomes_published_at", "outcomes_published_by", "outcome_report"]
    fieldsets = [
        (None, {"fields": ["kind", "number", "task_force", "title", "slug"]}),
        (
            "Where and when",
            {
                "fields": [
                    "host_state",
                    "host_body",
                    "format",
                    "city",
                    "venue",
                    "start_date",
                    "end_date",
                    "status",
                ]
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "summary",
                    "outcomes_published_at",
                    "outcomes_published_by",
                    "outcome_report",
                ]
            },
        ),
    ]
    inlines = [
        AgendaItemInline,
        AttendanceInline,
        FinalOutcomeInline,
        DraftOutcomeInline,
        DocumentInline,
    ]
    actions = ["publish_outcomes", "regenerate_report"]

    @admin.display(description="outcome report")
    def outcome_report(self, meeting):
        reports = list(MeetingReport.objects.filter(meeting=meeting).order_by("audience"))
        if not reports:
            return "Not rendered yet: it is rendered after the next change or download."
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">Download</a> — {}, {}, {} page(s), dated {}, rendered {}',
            (
                (
                    reverse("meetings:report", args=[meeting.slug]),
                    report.get_audience_display(),
                    "draft" if report.is_draft else "final",
                    report.page_count,
                    f"{report.report_date.day} {report.report_date:%B %Y}",
                    secretariat_when(report.rendered_at),
                )
                for report in reports
            ),
        )

    @admin.display(description="outcomes published", boolean=True, ordering="outcomes_published_at")
    def outcomes_published(self, meeting):
        return meeting.outcomes_are_published

    @admin.action(
        description="Publish the outcomes of the selected meetings (drafts become final)",
        permissions=["change"],
    )
    def publish_outcomes(self, request, queryset):
        for meeting in queryset:
            published = meeting.publish_outcomes(by=request.user)
            self.message_user(
                request,
                f"{meeting}: {len(published)} outcome(s) published.",
                messages.SUCCESS if published else messages.INFO,
            )

    @admin.action(
        description="Regenerate the outcome report of the selected meetings",
        permissions=["change"],
    )
    def regenerate_report(self, request, queryset):
        meetings = list(queryset)
        for meeting in meetings:
            enqueue_on_commit(render_meeting_report, meeting.pk, force=True)
        self.message_user(
            request,
            f"{len(meetings)} report(s) are being rendered anew; each is ready to download "
            "from its meeting's page in a moment.",
            messages.SUCCESS,
        )


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "number", "title"]
    list_display_links = ["number", "title"]
    list_filter = ["meeting__kind"]
    list_select_related = ["meeting__task_force"]
    search_fields = ["title", "description", "meeting__title", "meeting__slug"]
    autocomplete_fields = ["meeting"]
    date_hierarchy = "meeting__start_date"


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "state", "status", "head_of_delegation", "delegate_count"]
    list_display_links = ["state"]
    list_filter = ["status", "state", "meeting__kind"]
    list_select_related = ["meeting__task_force", "state"]
    search_fields = [
        "state__name",
        "head_of_delegation",
        "delegates",
        "meeting__title",
        "meeting__slug",
    ]
    autocomplete_fields = ["meeting", "state"]
    date_hierarchy = "meeting__start_date"

    @admin.display(description="delegates")
    def delegate_count(self, attendance):
        return len(attendance.delegate_list)


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "number", "kind", "short_text", "status", "corrects"]
    list_display_links = ["number", "short_text"]
    list_filter = ["status", "kind", "meeting__kind"]
    list_select_related = ["meeting__task_force", "corrects"]
    search_fields = ["text", "meeting__title", "meeting__slug"]
    autocomplete_fields = ["meeting", "corrects"]
    date_hierarchy = "meeting__start_date"
    fields = [
        "meeting",
        "number",
        "kind",
        "text",
        "corrects",
        "status",
        "corrections_and_action_items",
    ]
    readonly_fields = ["status", "corrections_and_action_items"]

    @admin.display(description="text")
    def short_text(self, outcome):
        return outcome.text if len(outcome.text) <= 90 else f"{outcome.text[:90]}…"

    @admin.display(description="corrections and action items")
    def corrections_and_action_items(self, outcome):
        if outcome.pk is None:
            return "—"
        links = [
            (reverse("admin:meetings_outcome_change", args=[c.pk]), f"Correction: {c}")
            for c in outcome.corrections.all()
        ]
        links += [
            (reverse("admin:actionplans_actionitem_change", args=[item.pk]), f"Action item {item}")
            for item in outcome.action_items.all()
        ]
        listed = format_html_join("", '<li><a href="{}">{}</a></li>', links)
        correction = ""
        if outcome.status == Outcome.Status.FINAL:
            correction = format_html(
                '<li><a href="{}">Record a correction</a></li>', correction_url(outcome)
            )
        return format_html("<ul>{}{}</ul>", listed, correction) if links or correction else "—"

    def get_urls(self):
        make_final = self.admin_site.admin_view(self.make_final_view)
        return [
            path("<int:pk>/make-final/", make_final, name="meetings_outcome_make_final"),
            *super().get_urls(),
        ]

    def make_final_view(self, request, pk):
        """“Make final” on a draft outcome: a page that says what happens, then the POST does it.

        A meeting's outcomes are published together, so this publishes its every draft."""
        outcome = get_object_or_404(Outcome.objects.select_related("meeting"), pk=pk)
        if not self.has_change_permission(request, outcome):
            raise PermissionDenied
        meeting = outcome.meeting
        drafts = list(meeting.outcomes.filter(status=Outcome.Status.DRAFT).order_by("number"))
        if request.method == "POST":
            published = meeting.publish_outcomes(by=request.user)
            self.message_user(
                request, f"{meeting}: {len(published)} outcome(s) made final.", messages.SUCCESS
            )
            return redirect("admin:meetings_outcome_change", outcome.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Make the outcomes of {meeting} final?",
            "opts": self.opts,
            "outcome": outcome,
            "meeting": meeting,
            "drafts": drafts,
        }
        return TemplateResponse(request, "admin/meetings/outcome/make_final.html", context)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Only a final outcome can be corrected: offer no others in the "corrects" field.
        if request.GET.get("field_name") == "corrects":
            queryset = queryset.filter(status=Outcome.Status.FINAL)
        return queryset, may_have_duplicates

    def has_change_permission(self, request, obj=None):
        # The changed copy of a final outcome is a correction, never an edit.
        if obj is not None and obj.status == Outcome.Status.FINAL:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Outcome.Status.FINAL:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Deleting in bulk would bypass the lock on final outcomes.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Document)
class DocumentAdmin(TooLargeUploadsAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "meeting", "kind", "file", "uploaded_at"]
    list_filter = ["kind", "meeting__kind"]
    list_select_related = ["meeting__task_force"]
    search_fields = ["title", "meeting__title", "meeting__slug"]
    autocomplete_fields = ["meeting"]
    date_hierarchy = "uploaded_at"

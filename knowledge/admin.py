from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from core.admin import TooLargeUploadsAdminMixin
from core.uploads import upload_name

from .forms import ReturnForm
from .models import BestPractice, BestPracticeAttachment, ExchangeRequest, Theme
from .services import exchange_request_close


class AttachmentForm(forms.ModelForm):
    """An attachment named after its file unless given a name."""

    class Meta:
        model = BestPracticeAttachment
        fields = ["file", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if not cleaned.get("name") and isinstance(upload, UploadedFile):
            cleaned["name"] = upload_name(upload.name)
        return cleaned


class AttachmentInline(TooLargeUploadsAdminMixin, admin.TabularInline):
    model = BestPracticeAttachment
    form = AttachmentForm
    extra = 0
    fields = ["file", "name", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(BestPractice)
class BestPracticeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "state", "body", "pillar", "instrument", "status", "submitted_at"]
    list_filter = ["status", "pillar", "instrument", "state", "themes"]
    list_select_related = ["state", "body__state"]
    search_fields = ["title", "summary", "description", "state__name", "body__acronym"]
    autocomplete_fields = ["state", "body", "contact", "meetings", "action_items"]
    filter_horizontal = ["themes"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "status",
        "return_comment",
        "created_by",
        "created_at",
        "submitted_at",
        "published_at",
        "published_by",
    ]
    fieldsets = [
        (None, {"fields": ["state", "body", "title", "pillar", "themes", "instrument"]}),
        ("The practice", {"fields": ["summary", "description", "results", "start_year"]}),
        ("Links", {"fields": ["contact", "meetings", "action_items"]}),
        (
            "Review",
            {
                "fields": [
                    "status",
                    "return_comment",
                    "created_by",
                    "created_at",
                    "submitted_at",
                    "published_at",
                    "published_by",
                ]
            },
        ),
    ]
    inlines = [AttachmentInline]
    actions = ["publish", "return_to_states", "archive"]

    def get_queryset(self, request):
        return super().get_queryset(request).without_vector()

    def _each(self, request, queryset, step, done):
        changed = 0
        for practice in queryset:
            try:
                step(practice)
            except ValidationError as exc:
                self.message_user(request, f"{practice}: {exc.messages[0]}", messages.WARNING)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} practice(s) {done}.", messages.SUCCESS)

    @admin.action(description="Publish the selected submitted practices", permissions=["change"])
    def publish(self, request, queryset):
        self._each(request, queryset, lambda p: p.publish(by=request.user), "published")

    @admin.action(
        description="Return the selected submitted practices to their states with a comment",
        permissions=["change"],
    )
    def return_to_states(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            comment = form.cleaned_data["comment"]
            self._each(
                request,
                queryset,
                lambda p: p.return_to_state(by=request.user, comment=comment),
                "returned to their states",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Return practices to their states",
            "opts": self.model._meta,
            "practices": queryset.select_related("state"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/knowledge/bestpractice/return_form.html", context)

    @admin.action(
        description="Archive the selected published practices (out of the catalogue)",
        permissions=["change"],
    )
    def archive(self, request, queryset):
        self._each(request, queryset, lambda p: p.archive(by=request.user), "archived")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for attachment in formset.save(commit=False):
            if attachment.pk is None:
                attachment.uploaded_by = request.user
            attachment.save()
        for removed in formset.deleted_objects:
            removed.delete()


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ExchangeRequest)
class ExchangeRequestAdmin(SimpleHistoryAdmin):
    """Requests are between member states; the Secretariat follows them and closes them."""

    list_display = ["practice", "requesting_state", "owning_state", "status", "created_at"]
    list_filter = ["status", "requesting_state", "practice__state"]
    list_select_related = ["practice__state", "requesting_state"]
    search_fields = ["message", "reply", "practice__title"]
    date_hierarchy = "created_at"
    fields = [
        "practice",
        "requesting_state",
        "requested_by",
        "message",
        "status",
        "reply",
        "replied_by",
        "replied_at",
        "created_at",
        "closed_at",
    ]
    readonly_fields = fields
    actions = ["close"]

    @admin.display(description="owning state", ordering="practice__state__name")
    def owning_state(self, exchange):
        return exchange.practice.state

    def has_add_permission(self, request):
        return False

    @admin.action(description="Close the selected requests", permissions=["change"])
    def close(self, request, queryset):
        closed = 0
        for exchange in queryset.exclude(status=ExchangeRequest.Status.CLOSED):
            exchange_request_close(exchange=exchange, user=request.user)
            closed += 1
        self.message_user(request, f"{closed} request(s) closed.", messages.SUCCESS)

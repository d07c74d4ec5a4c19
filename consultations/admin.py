from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin
from core.clock import long_date, secretariat_when
from memberstates.models import MemberState

from .forms import DeadlineExtensionForm
from .models import (
    ActionPlan,
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationNotice,
    ConsultationNotOpen,
    DeadlineExtension,
)
from .services import (
    consultation_circulate,
    consultation_close,
    consultation_comment_respond,
    consultation_extend,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeadlineExtensionInline(ReadOnlyInline):
    """Extensions are recorded through “Extend the deadline”, never edited."""

    model = DeadlineExtension
    fields = ["previous_deadline", "new_deadline", "reason", "extended_by", "extended_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("extended_by")


class ConsultationAnswerInline(ReadOnlyInline):
    """The states' answers: given by their focal points on the portal, read here."""

    model = ConsultationAnswer
    verbose_name_plural = "answers of the member states"
    fields = ["state", "position", "reasons", "answered_by", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state", "answered_by")


class ConsultationCommentInline(admin.TabularInline):
    """The states' comments; the Secretariat records its response to each."""

    model = ConsultationComment
    verbose_name_plural = "comments and the Secretariat's responses"
    fields = ["state", "reference", "text", "response", "response_reason", "responded"]
    readonly_fields = ["state", "reference", "text", "responded"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("answer__state", "item", "responded_by")
            .order_by("answer__state__name", "pk")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="member state")
    def state(self, comment):
        return comment.answer.state

    @admin.display(description="reference")
    def reference(self, comment):
        return comment.reference

    @admin.display(description="responded")
    def responded(self, comment):
        if not comment.responded_at:
            return "—"
        who = comment.responded_by.get_username() if comment.responded_by else ""
        return f"{secretariat_when(comment.responded_at)} {who}".strip()


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["title", "plan", "document", "summary", "states", "procedure", "deadline"]
        widgets = {"states": forms.CheckboxSelectMultiple}


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    form = ConsultationForm
    list_display = [
        "title",
        "subject",
        "procedure",
        "status",
        "circulated_on",
        "deadline",
        "answers",
        "result",
    ]
    list_filter = ["status", "procedure", "result"]
    list_select_related = ["plan", "document"]
    search_fields = ["title", "summary", "plan__title", "document__title"]
    autocomplete_fields = ["document"]
    date_hierarchy = "deadline"
    inlines = [DeadlineExtensionInline, ConsultationAnswerInline, ConsultationCommentInline]
    actions = ["circulate", "close_now"]
    # Once circulated, what the states were asked stays as it was; the deadline moves only
    # by a recorded extension.
    FIXED_ONCE_CIRCULATED = ["plan", "document", "states", "procedure", "deadline"]
    RECORDED = ["status", "circulated_on", "circulated_by", "closed_at", "closed_by", "result"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts().order_by(*Consultation._meta.ordering)

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.status == Consultation.Status.DRAFT:
            return self.RECORDED
        return self.FIXED_ONCE_CIRCULATED + self.RECORDED

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f not in self.RECORDED] if obj is None else fields

    def get_inline_instances(self, request, obj=None):
        # A new draft has no extensions, answers or comments yet.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Once circulated, the states' answers are part of the record: only drafts go.
        if obj is not None and obj.status != Consultation.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Deleting in bulk would not ask, draft by draft, whether it was circulated.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_changeform_initial_data(self, request):
        # Consult every member state unless the Secretariat chooses a set.
        return {
            "states": list(MemberState.objects.values_list("pk", flat=True)),
            **super().get_changeform_initial_data(request),
        }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "plan":
            kwargs["queryset"] = ActionPlan.objects.filter(status__in=Consultation.PLAN_STATUSES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="draft")
    def subject(self, consultation):
        return consultation.subject

    @admin.display(description="answered", ordering="answer_count")
    def answers(self, consultation):
        return f"{consultation.answer_count} of {consultation.state_count}"

    def save_formset(self, request, form, formset, change):
        if formset.model is not ConsultationComment:
            return super().save_formset(request, form, formset, change)
        for comment in formset.save(commit=False):
            consultation_comment_respond(
                comment=comment,
                user=request.user,
                response=comment.response,
                reason=comment.response_reason,
            )
        return None

    @admin.action(
        description="Circulate the selected drafts to their member states", permissions=["change"]
    )
    def circulate(self, request, queryset):
        for consultation in queryset.order_by("pk"):
            try:
                consultation = consultation_circulate(consultation=consultation, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"“{consultation}” was not circulated: {_say(error)}", messages.ERROR
                )
                continue
            self.message_user(
                request,
                f"“{consultation}” was circulated to its member states; answers are due by "
                f"{long_date(consultation.deadline)}.",
                messages.SUCCESS,
            )

    @admin.action(description="Close the selected consultations now", permissions=["change"])
    def close_now(self, request, queryset):
        for consultation in queryset.order_by("pk"):
            try:
                closed = consultation_close(consultation=consultation, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"“{consultation}” was not closed: {_say(error)}", messages.ERROR
                )
                continue
            consultation.refresh_from_db()
            if closed:
                self.message_user(
                    request,
                    f"“{consultation}” is closed: {consultation.get_result_display().lower()}.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, f"“{consultation}” was closed already.", messages.INFO)

    def get_urls(self):
        extend = path(
            "<path:object_id>/extend/",
            self.admin_site.admin_view(self.extend_view),
            name="consultations_consultation_extend",
        )
        return [extend, *super().get_urls()]

    def extend_view(self, request, object_id):
        """Extend an open consultation's deadline, with the reason, recorded with who and when."""
        consultation = get_object_or_404(Consultation, pk=object_id)
        if not self.has_change_permission(request, consultation):
            raise PermissionDenied
        form = DeadlineExtensionForm(request.POST or None)
        if form.is_valid():
            try:
                consultation_extend(
                    consultation=consultation,
                    user=request.user,
                    deadline=form.cleaned_data["deadline"],
                    reason=form.cleaned_data["reason"],
                )
            except ConsultationNotOpen as error:
                form.add_error(None, error)
            except ValidationError as error:
                for field_name, errors in error.error_dict.items():
                    form.add_error(field_name, errors)
            else:
                self.message_user(
                    request,
                    f"The deadline is now {long_date(form.cleaned_data['deadline'])}; "
                    "the focal points are told.",
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:consultations_consultation_change", args=[object_id])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Extend the deadline of “{consultation}”",
            "opts": self.opts,
            "original": consultation,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/consultations/consultation/extend_deadline.html", context
        )


def _say(error):
    return " ".join(error.messages)


@admin.register(ConsultationNotice)
class ConsultationNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The log of e-mails about consultations: what was sent to whom. Written by the portal."""

    list_display = ["consultation", "state", "recipient", "kind", "step", "deadline", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["consultation", "state"]
    search_fields = ["consultation__title", "recipient"]
    date_hierarchy = "created_at"

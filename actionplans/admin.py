from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from import_export import fields
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    PreloadedAutocompleteSelect,
    PreloadedAutocompleteSelectMultiple,
    ReadOnlyAdminMixin,
)
from core.clock import secretariat_today
from core.importexport import (
    AllOrNothingImportExportAdmin,
    NaturalKeysWidget,
    NaturalKeyWidget,
    StrictModelResource,
)
from meetings.admin import OutcomeAdmin
from meetings.models import Outcome
from memberstates.models import MemberState

from .models import (
    ActionItem,
    ActionPlan,
    ProgressNotice,
    ProgressUpdate,
    Reminder,
)
from .services import (
    action_items_create_from_outcomes,
    progress_update_post,
    reminders_request,
)


class ResponsibleStateFilter(admin.SimpleListFilter):
    title = "responsible state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in MemberState.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            raise IncorrectLookupParameters(f"Unknown member state {self.value()!r}")
        return queryset.for_state(int(self.value()))


class DeadlineFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("next_30_days", "Due in the next 30 days")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "next_30_days":
            return queryset.due_within(30)
        return queryset


class ItemRowsFormSet(forms.BaseInlineFormSet):
    """A plan's items, one row each: the states their boxes name are read once for the page."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if not hasattr(self, "_state_labels"):
            states = MemberState.objects.values_list("pk", "name")
            self._state_labels = {str(pk): name for pk, name in states}
        for name in ("lead_state", "supporting_states"):
            widget = form.fields[name].widget
            getattr(widget, "widget", widget).labels = self._state_labels


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    formset = ItemRowsFormSet
    extra = 0
    fields = [
        "reference",
        "title",
        "lead_state",
        "supporting_states",
        "due_date",
        "status",
        "percent_complete",
        "weight",
    ]
    autocomplete_fields = ["lead_state", "supporting_states"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("supporting_states")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_state":
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "supporting_states":
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "proposed_by", "status", "adopted_at", "item_count", "progress"]
    list_filter = ["status", "proposed_by"]
    list_select_related = ["proposed_by", "adopted_at__task_force"]
    search_fields = ["title", "slug", "summary"]
    autocomplete_fields = ["proposed_by", "tabled_at", "adopted_at", "superseded_by"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ActionItemInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_progress()
            .annotate(item_count=Count("items"))
            .order_by(*ActionPlan._meta.ordering)
        )

    @admin.display(description="items", ordering="item_count")
    def item_count(self, plan):
        return plan.item_count

    @admin.display(description="progress")
    def progress(self, plan):
        percent = plan.progress()
        return "—" if percent is None else f"{percent}%"


class ActionItemResource(StrictModelResource):
    """Action items in CSV/XLSX keyed by reference code; plan by slug, states by ISO code."""

    plan = fields.Field(
        attribute="plan", column_name="plan", widget=NaturalKeyWidget(ActionPlan, field="slug")
    )
    lead_state = fields.Field(
        attribute="lead_state",
        column_name="lead_state",
        widget=NaturalKeyWidget(MemberState, field="iso_code"),
    )
    supporting_states = fields.Field(
        attribute="supporting_states",
        column_name="supporting_states",
        widget=NaturalKeysWidget(MemberState, field="iso_code", separator=","),
    )

    class Meta:
        model = ActionItem
        fields = [
            "reference",
            "plan",
            "title",
            "description",
            "lead_state",
            "supporting_states",
            "due_date",
            "status",
            "percent_complete",
            "weight",
        ]
        import_id_fields = ["reference"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("plan", "lead_state")
            .prefetch_related("supporting_states")
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        """A new status or percent of an existing item is posted as progress, so that the
        item's history says how it got there."""
        if is_create:
            return super().save_instance(instance, is_create, row, **kwargs)
        wanted = (instance.status, instance.percent_complete)
        stored = ActionItem.objects.values_list("status", "percent_complete").get(pk=instance.pk)
        instance.status, instance.percent_complete = stored
        super().save_instance(instance, is_create, row, **kwargs)
        if wanted != stored:
            progress_update_post(
                item=instance,
                user=kwargs["user"],
                status=wanted[0],
                percent_complete=wanted[1],
                narrative="Status and percent set by an import in the admin.",
            )
            instance.status, instance.percent_complete = wanted
        return None


# The item's change page shows this many of its latest updates; its public page pages them all.
LATEST_UPDATES_IN_ADMIN = 20


class LatestUpdatesFormSet(forms.BaseInlineFormSet):
    """The latest updates only (an item's history runs to hundreds), and how many there are."""

    def get_queryset(self):
        if not hasattr(self, "_latest"):
            history = super().get_queryset()
            self._latest = list(history[:LATEST_UPDATES_IN_ADMIN])
            self.total = history.count()
        return self._latest


class ProgressUpdateInline(admin.TabularInline):
    """The item's latest progress updates, newest first; they are never edited."""

    model = ProgressUpdate
    formset = LatestUpdatesFormSet
    template = "admin/actionplans/progress_updates_inline.html"
    fields = ["created_at", "author", "percent_complete", "status", "narrative", "evidence"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "item")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(AllOrNothingImportExportAdmin, SimpleHistoryAdmin):
    resource_classes = [ActionItemResource]
    list_display = [
        "reference",
        "title",
        "responsible_states",
        "due",
        "status",
        "percent",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [ResponsibleStateFilter, "plan", "status", DeadlineFilter]
    list_select_related = ["plan", "lead_state"]
    search_fields = ["reference", "title", "description", "plan__title"]
    autocomplete_fields = ["plan", "outcome", "lead_state", "supporting_states"]
    date_hierarchy = "due_date"
    inlines = [ProgressUpdateInline]
    actions = ["mark_completed", "send_reminders_now"]
    # An item's status and percent change only by posting progress, which keeps its history.
    progress_fields = ["status", "percent_complete"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("supporting_states")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, *self.progress_fields] if obj is not None else readonly

    @admin.display(description="responsible states (lead first)")
    def responsible_states(self, item):
        lead, *supporting = item.responsible_states()
        others = format_html_join("", ", {}", ((state.name,) for state in supporting))
        return format_html("<strong>{}</strong>{}", lead.name, others)

    @admin.display(description="due date", ordering="due_date")
    def due(self, item):
        if item.is_overdue(secretariat_today()):
            return format_html(
                '<span class="overdue">{} — overdue</span>',
                item.due_date.isoformat(),
            )
        return item.due_date.isoformat()

    @admin.display(description="complete", ordering="percent_complete")
    def percent(self, item):
        return f"{item.percent_complete}%"

    @admin.action(description="Mark the selected items completed", permissions=["change"])
    def mark_completed(self, request, queryset):
        open_items = list(queryset.open())
        for item in open_items:
            progress_update_post(
                item=item,
                user=request.user,
                status=ActionItem.Status.COMPLETED,
                narrative="Marked completed by the Secretariat.",
            )
        skipped = queryset.count() - len(open_items)
        message = f"{len(open_items)} item(s) marked completed."
        if skipped:
            message += f" {skipped} already completed or cancelled item(s) left as they were."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description="Send reminders now to the focal points of the selected items",
        permissions=["change"],
    )
    def send_reminders_now(self, request, queryset):
        requested = reminders_request(items=queryset)
        self.message_user(
            request,
            f"Reminders are on their way to {requested.recipients} focal point address(es).",
            messages.SUCCESS if requested.recipients else messages.INFO,
        )
        if requested.unreachable:
            self.message_user(
                request,
                "No active focal point with an e-mail address for: "
                + ", ".join(requested.unreachable),
                messages.WARNING,
            )
        if requested.closed:
            self.message_user(
                request,
                f"{requested.closed} completed or cancelled item(s), or item(s) of a closed "
                "plan, get no reminders.",
                messages.INFO,
            )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["item", "percent_complete", "status", "author", "created_at"]
    list_filter = ["status", "item__lead_state", "item__plan"]
    list_select_related = ["item", "author"]
    search_fields = ["item__reference", "item__title", "narrative", "author__username"]
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The reminder log: what was sent to whom. Only the sweep and the reminder action write it."""

    list_display = ["item", "recipient", "kind", "step", "due_date", "created_at", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "due_date"]
    list_select_related = ["item"]
    search_fields = ["item__reference", "recipient"]
    search_help_text = "Search by item reference code or recipient e-mail."
    date_hierarchy = "created_at"


@admin.register(ProgressNotice)
class ProgressNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The Secretariat's e-mails about progress posted: what was sent, and what waits."""

    list_display = ["update", "recipient", "created_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["update__item"]
    search_fields = ["update__item__reference", "recipient"]
    date_hierarchy = "created_at"


class OutcomesToActionItemsForm(forms.Form):
    plan = forms.ModelChoiceField(ActionPlan.objects.all())
    lead_state = forms.ModelChoiceField(MemberState.objects.all())
    due_date = forms.DateField(help_text="YYYY-MM-DD")
    reference_prefix = forms.CharField(
        max_length=24,
        help_text="Each item's reference code is this prefix and the outcome number, "
        "e.g. “SME9-” gives SME9-1, SME9-3, …",
    )


# Outcomes live in the meetings app, which cannot know about action plans: this app adds the
# action that turns them into action items to the outcome admin.
admin.site.unregister(Outcome)


@admin.register(Outcome)
class OutcomeWithActionItemsAdmin(OutcomeAdmin):
    actions = ["create_action_items"]

    @admin.action(description="Create action items from the selected outcomes")
    def create_action_items(self, request, queryset):
        if not self.has_add_item_permission(request):
            self.message_user(request, "You may not add action items.", messages.ERROR)
            return None
        outcomes = list(queryset.select_related("meeting").order_by("meeting", "number"))
        form = OutcomesToActionItemsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                items = action_items_create_from_outcomes(
                    outcomes=outcomes,
                    user=request.user,
                    plan=data["plan"],
                    lead_state=data["lead_state"],
                    due_date=data["due_date"],
                    prefix=data["reference_prefix"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                references = ", ".join(item.reference for item in items)
                self.message_user(
                    request, f"{len(items)} action item(s) created: {references}.", messages.SUCCESS
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Create action items from outcomes",
            "opts": self.opts,
            "form": form,
            "outcomes": outcomes,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/meetings/outcome/create_action_items.html", context)

    def has_add_item_permission(self, request):
        return request.user.has_perm("actionplans.add_actionitem")

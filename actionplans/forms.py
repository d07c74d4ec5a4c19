import re

from django import forms

from core.uploads import TooLargeUploadsFormMixin, validate_upload
from core.widgets import LongSelect
from memberstates.models import MemberState

from .models import ActionItem, ActionPlan


class ActionItemReferencesField(forms.Field):
    """Action items named by their references in a text box ("AI-NG-01, TF-SME-2015/2"): the
    record holds tens of thousands of items after some years, too many to offer as a list.
    Cleans to the items, in the order given."""

    widget = forms.TextInput
    max_references = 200

    def prepare_value(self, value):
        """The references of the items bound (instances or keys), or the text as typed."""
        if value is None or isinstance(value, str):
            return value or ""
        items = list(value)
        keys = [item for item in items if not isinstance(item, ActionItem)]
        found = [item for item in items if isinstance(item, ActionItem)]
        found += ActionItem.objects.filter(pk__in=keys).only("reference")
        return ", ".join(sorted(item.reference for item in found))

    def to_python(self, value):
        pieces = (piece.strip() for piece in re.split(r"[,;\n]", value or ""))
        return list(dict.fromkeys(piece for piece in pieces if piece))

    def clean(self, value):
        references = self.to_python(value)
        self.validate(references)
        if len(references) > self.max_references:
            raise forms.ValidationError(
                "Name at most %(most)d action items.",
                code="too_many",
                params={"most": self.max_references},
            )
        items = ActionItem.objects.in_bulk(references, field_name="reference")
        unknown = [reference for reference in references if reference not in items]
        if unknown:
            raise forms.ValidationError(
                "No action item has the reference %(references)s. Separate references with commas.",
                code="unknown",
                params={"references": ", ".join(f"“{reference}”" for reference in unknown)},
            )
        return [items[reference] for reference in references]


def usual_percents():
    """The help text naming each status's usual percent ("Not started 0%, …")."""
    figures = [
        f"{label} {ActionItem.DEFAULT_PERCENT[value]}%"
        if ActionItem.DEFAULT_PERCENT[value] is not None
        else f"{label} keeps the current figure"
        for value, label in ActionItem.Status.choices
    ]
    return "Leave empty to use the usual figure for the status: " + "; ".join(figures) + "."


class PlanListFilterForm(forms.Form):
    SHOWN = {
        "open": "Open plans",
        "closed": "Completed and superseded plans",
        "all": "All plans",
    }
    shown = forms.ChoiceField(label="Show", choices=list(SHOWN.items()), required=False)

    def plans(self, queryset):
        """The D-8's plans the filter asks for: open ones unless it says otherwise."""
        shown = (self.cleaned_data.get("shown") if self.is_valid() else None) or "open"
        if shown == "open":
            return queryset.open()
        if shown == "closed":
            return queryset.filter(status__in=ActionPlan.CLOSED_STATUSES)
        return queryset


class ProgressUpdateForm(TooLargeUploadsFormMixin, forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
    percent_complete = forms.IntegerField(
        label="Percent complete",
        min_value=0,
        max_value=100,
        required=False,
        help_text=usual_percents,
    )
    narrative = forms.CharField(
        label="What was done", widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000
    )
    evidence = forms.FileField(
        validators=[validate_upload],
        label="Evidence file (optional)",
        required=False,
        help_text="PDF, Word, Excel or an image.",
    )

    # Asked for only when the update would lower the item's percent (70% → 40%).
    lower_percent = forms.BooleanField(
        label="Yes, lower the progress", required=False, widget=forms.HiddenInput
    )

    # The API passes no item: a script that lowers a figure means it.
    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"].strip()
        if not narrative:
            raise forms.ValidationError("Say what was done.")
        return narrative

    def clean(self):
        cleaned = super().clean()
        status, percent = cleaned.get("status"), cleaned.get("percent_complete")
        if status and percent is not None:
            ActionItem.validate_status_percent(status, percent)
        if status and self.item is not None:
            new = self.item.percent_for_status(status) if percent is None else percent
            current = self.item.percent_complete
            if new < current and not cleaned.get("lower_percent"):
                self.fields["lower_percent"].widget = forms.CheckboxInput()
                self.add_error(
                    "lower_percent",
                    f"This update lowers the progress from {current}% to {new}%. "
                    "Tick the box to confirm, or change the figure.",
                )
        cleaned.pop("lower_percent", None)
        return cleaned


class MyItemsFilterForm(forms.Form):
    """Filters of the focal point's item list; unknown or bad values are simply ignored."""

    ROLE_CHOICES = [("", "Lead or supporting"), ("lead", "Lead"), ("supporting", "Supporting")]
    SORT_CHOICES = [
        ("due_date", "Due date, soonest first"),
        ("-due_date", "Due date, latest first"),
        ("percent_complete", "Least complete first"),
        ("-updated_at", "Recently updated"),
        ("reference", "Reference"),
    ]

    # Every plan of the record: their titles alone, written without a template per option.
    plan = forms.ModelChoiceField(
        ActionPlan.objects.only("title"),
        required=False,
        empty_label="All plans",
        widget=LongSelect,
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ActionItem.Status.choices], required=False
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    due_within = forms.IntegerField(
        label="Due within (days)", min_value=0, max_value=3650, required=False
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False, label="Our role")
    state = forms.ModelChoiceField(
        MemberState.objects.all(), required=False, empty_label="All states", to_field_name="slug"
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

from django import forms

from core.uploads import TooLargeUploadsFormMixin, validate_upload
from core.widgets import Checkboxes
from memberstates.models import MemberState

from .models import FIRST_YEAR, LAST_YEAR, Indicator

MAX_EXPORT_YEARS = 60


class UploadForm(TooLargeUploadsFormMixin, forms.Form):
    file = forms.FileField(
        label="Filled-in template (.xlsx)",
        validators=[validate_upload],
        help_text="Your state's template for this call, with the Value column filled in.",
    )


class SelectionForm(forms.Form):
    """A selection of figures: indicators × states × years (empty: all)."""

    indicator = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.all(),
        to_field_name="code",
        required=False,
        label="Indicators",
        widget=Checkboxes(columns=True),
    )
    state = forms.ModelMultipleChoiceField(
        queryset=MemberState.objects.all(),
        to_field_name="slug",
        required=False,
        label="Member states",
        widget=Checkboxes(columns=True),
    )
    year_from = forms.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, label="From"
    )
    year_to = forms.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, label="To"
    )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and first > last:
            self.add_error("year_to", "The last year comes after the first.")
        return cleaned

    def apply(self, values):
        data = self.cleaned_data
        if data.get("indicator"):
            values = values.filter(indicator__in=data["indicator"])
        if data.get("state"):
            values = values.filter(state__in=data["state"])
        if data.get("year_from"):
            values = values.filter(year__gte=data["year_from"])
        if data.get("year_to"):
            values = values.filter(year__lte=data["year_to"])
        return values

from django import forms

from actionplans.forms import ActionItemReferencesField
from core.uploads import TooLargeUploadsFormMixin, validate_upload
from core.widgets import Checkboxes
from meetings.models import Meeting
from memberstates.models import FocalPoint, MemberState, SMEBody

from .models import FIRST_YEAR, LAST_YEAR, SEARCH_MAX_LENGTH, BestPractice, Pillar


def _required_text(value, message):
    value = value.strip()
    if not value:
        raise forms.ValidationError(message)
    return value


class BestPracticeForm(TooLargeUploadsFormMixin, forms.ModelForm):
    """A focal point writes their state's practice: the state follows from the body chosen."""

    attachment = forms.FileField(
        validators=[validate_upload],
        label="Add an attachment (optional)",
        required=False,
        help_text="PDF, Word, Excel or an image: a brochure, an evaluation, figures.",
    )
    action_items = ActionItemReferencesField(
        label="Action items the practice serves",
        required=False,
        help_text="Their references, separated by commas (e.g. AI-NG-01, TF-SME-2015/2), as "
        "the action item lists and plan pages show them; or none.",
    )

    class Meta:
        model = BestPractice
        fields = [
            "title",
            "body",
            "pillar",
            "themes",
            "instrument",
            "summary",
            "description",
            "results",
            "start_year",
            "contact",
            "meetings",
            "action_items",
        ]
        widgets = {
            "themes": Checkboxes(columns=True),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "results": forms.Textarea(attrs={"rows": 5}),
            "meetings": Checkboxes,
        }
        labels = {
            "pillar": "Pillar of the Call to Action",
            "themes": "Themes",
            "meetings": "Meetings where the practice was presented",
        }
        help_texts = {
            "themes": "Choose all that apply.",
            "meetings": "Choose all that apply, or none.",
        }

    def __init__(self, *args, states=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            states = MemberState.objects.filter(pk=self.instance.state_id)
        self.fields["body"].queryset = bodies = SMEBody.objects.filter(state__in=states)
        if self.instance.pk is None and len(bodies) == 1:
            self.initial.setdefault("body", bodies[0].pk)
        self.fields["contact"].queryset = FocalPoint.objects.filter(
            body__state__in=states, is_active=True
        ).select_related("body")
        self.fields["pillar"].choices = [("", "None of the three"), *Pillar.choices]
        self.fields["meetings"].queryset = Meeting.objects.select_related("task_force")
        self.fields["meetings"].label_from_instance = lambda m: f"{m} ({m.start_date:%Y})"
        self.fields["meetings"].required = False

    def clean_title(self):
        return _required_text(self.cleaned_data["title"], "Give the practice a title.")

    def clean_summary(self):
        return _required_text(self.cleaned_data["summary"], "Summarize the practice.")

    def clean_description(self):
        return _required_text(self.cleaned_data["description"], "Describe the practice.")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("body"):
            self.instance.state = cleaned["body"].state
        return cleaned


class CatalogueFilterForm(forms.Form):
    """The catalogue's search and filters, shared by the page and the compendium."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text='Words of the practice; "quotes" for a phrase, -word to leave out.',
    )
    pillar = forms.ChoiceField(
        choices=[("", "Any pillar"), *Pillar.choices, ("none", "None of the three")],
        required=False,
    )
    state = forms.ModelChoiceField(
        MemberState.objects.all(),
        required=False,
        empty_label="All member states",
        to_field_name="slug",
        label="Member state",
    )
    instrument = forms.ChoiceField(
        choices=[("", "Any instrument"), *BestPractice.Instrument.choices],
        required=False,
        label="Kind of instrument",
    )
    year = forms.IntegerField(
        label="Start year", min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )

    def filters(self):
        """The cleaned filters for BestPracticeQuerySet.matching(); call after is_valid()."""
        return {name: value for name, value in self.cleaned_data.items() if value}

    def described(self):
        """The filters applied, in words, for the compendium's cover."""
        if not self.is_bound:
            return []
        described = []
        for name, value in self.filters().items():
            field = self[name]
            if name == "q":
                shown = f"“{value}”"
            elif hasattr(field.field, "choices") and not isinstance(value, MemberState):
                shown = dict(field.field.choices).get(value, value)
            else:
                shown = value
            described.append(f"{field.label}: {shown}")
        return described


class OurPracticesFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Every status"), *BestPractice.Status.choices], required=False
    )


class ExchangeRequestForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="What would you like to learn, and how: a call, a visit, documents.",
    )

    def clean_message(self):
        return _required_text(self.cleaned_data["message"], "Write a short message.")


class ExchangeReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="It is e-mailed to the focal point who asked.",
    )

    def clean_reply(self):
        return _required_text(self.cleaned_data["reply"], "Write your answer.")


class ReturnForm(forms.Form):
    """The Secretariat's comment when returning practices to their states."""

    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=4000,
        help_text="The state's focal points see it with the practice.",
    )

    def clean_comment(self):
        return _required_text(self.cleaned_data["comment"], "Say why the practices are returned.")

from django import forms

from core.uploads import TooLargeUploadsFormMixin
from memberstates.models import MemberState, SMEBody

from .models import SEARCH_MAX_LENGTH, Nomination, Opportunity, Sector


def _required_text(value, message):
    value = value.strip()
    if not value:
        raise forms.ValidationError(message)
    return value


class OpportunityForm(TooLargeUploadsFormMixin, forms.ModelForm):
    """A focal point writes their state's opportunity: the state follows from the body."""

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "body",
            "sector",
            "kind",
            "location",
            "size_min",
            "size_max",
            "description",
            "attachment",
            "contact_name",
            "contact_email",
            "contact_phone",
            "valid_until",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, states=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            states = MemberState.objects.filter(pk=self.instance.state_id)
        self.fields["body"].queryset = bodies = SMEBody.objects.filter(state__in=states)
        if self.instance.pk is None and len(bodies) == 1:
            self.initial.setdefault("body", bodies[0].pk)

    def clean_title(self):
        return _required_text(self.cleaned_data["title"], "Give the opportunity a title.")

    def clean_description(self):
        return _required_text(self.cleaned_data["description"], "Describe the opportunity.")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("body"):
            self.instance.state = cleaned["body"].state
        return cleaned


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text='Words of the opportunity; "quotes" for a phrase, -word to leave out.',
    )
    state = forms.ModelChoiceField(
        MemberState.objects.all(),
        required=False,
        empty_label="All member states",
        to_field_name="slug",
        label="Member state",
    )
    sector = forms.ChoiceField(
        choices=[("", "Any sector"), *Sector.choices], required=False, label="Sector (ISIC)"
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Opportunity.Kind.choices], required=False)
    size = forms.IntegerField(
        label="Amount (USD)",
        required=False,
        min_value=0,
        max_value=10**15,
        help_text="Opportunities whose indicative range includes this amount.",
    )

    def filters(self):
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class MessageForm(forms.Form):
    text = forms.CharField(
        label="Your message", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def clean_text(self):
        return _required_text(self.cleaned_data["text"], "Write your message.")


class NominationForm(forms.ModelForm):
    class Meta:
        model = Nomination
        fields = ["name", "organisation", "role", "email"]

    def clean_name(self):
        return _required_text(self.cleaned_data["name"], "Give the participant's name.")

    def clean_organisation(self):
        return _required_text(self.cleaned_data["organisation"], "Give the organisation.")

    def validate_unique(self):
        pass  # the service checks the event's rules under its lock


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="The state's focal points see it.",
    )

    def clean_reason(self):
        return _required_text(self.cleaned_data["reason"], "Say why the nomination is declined.")


class ReturnForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=4000)

    def clean_comment(self):
        return _required_text(self.cleaned_data["comment"], "Say why it is returned.")

from django import forms

from .models import Meeting


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Meeting.Kind.choices], required=False)
    year = forms.IntegerField(min_value=1997, max_value=2100, required=False)

from django import forms

from memberstates.models import MemberState
from taskforces.models import TaskForce

from .models import Meeting


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *Meeting.Kind.choices], required=False)
    year = forms.IntegerField(min_value=1997, max_value=2100, required=False)
    host = forms.ModelChoiceField(
        MemberState.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All host states",
        label="Host state",
    )
    task_force = forms.ModelChoiceField(
        TaskForce.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All task forces",
    )

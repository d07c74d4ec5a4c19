"""LongSelect writes the same HTML as Django's Select, without a template per option."""

import pytest
from django import forms

from actionplans.forms import MyItemsFilterForm
from core.widgets import LongSelect

CHOICES = [
    ("", "All plans"),
    ("Closed <plans>", [("1", "Plan & <b>one</b>"), ("2", "Plan two")]),
    ("3", "Plan three"),
]


def _field(widget, **kwargs):
    class Filter(forms.Form):
        plan = forms.ChoiceField(choices=CHOICES, widget=widget, **kwargs)

    return Filter


@pytest.mark.parametrize("data", [None, {"plan": "2"}, {"plan": ""}, {"plan": "9"}])
@pytest.mark.parametrize("required", [True, False])
def test_long_select_writes_what_djangos_select_writes(data, required):
    options = {"required": required, "help_text": "The plan the items belong to."}
    django_form = _field(forms.Select, **options)(data)
    ours = _field(LongSelect, **options)(data)
    django_form.is_valid(), ours.is_valid()

    assert str(ours["plan"]) == str(django_form["plan"])
    assert "&lt;b&gt;one&lt;/b&gt;" in str(ours["plan"])  # labels are escaped


def test_the_action_items_filter_lists_plans_with_a_long_select():
    assert isinstance(MyItemsFilterForm().fields["plan"].widget, LongSelect)

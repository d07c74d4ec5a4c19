"""Form widgets of the portal's pages."""

from django import forms


class Checkboxes(forms.CheckboxSelectMultiple):
    """Several choices as a list of checkboxes, each with its label beside it, in a fieldset
    whose legend asks the question (the GOV.UK checkboxes pattern): never a multi-select that
    asks people to hold Ctrl. `columns` flows short labels (states, indicators) in columns."""

    def __init__(self, attrs=None, choices=(), *, columns=False):
        classes = ["checkboxes", *(["checkboxes-columns"] if columns else [])]
        attrs = dict(attrs or {})
        attrs["class"] = " ".join([*classes, attrs.get("class", "")]).strip()
        super().__init__(attrs, choices)

    def create_option(self, *args, **kwargs):
        # The list carries the class; each box is a plain checkbox.
        option = super().create_option(*args, **kwargs)
        option["attrs"].pop("class", None)
        return option

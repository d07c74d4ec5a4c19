"""Form widgets of the portal's own pages."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


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


def _attrs(attrs):
    """Attributes as Django's attrs.html writes them: False left out, True as a bare name."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class LongSelect(forms.Select):
    """A <select> written in one pass, the same HTML as Django's Select.

    Django's template includes a template per option: for a list that grows with the records
    (the action plans of ten years, over two hundred) that costs more than the rest of the page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append(mark_safe("\n  </optgroup>"))  # noqa: S308 - a constant
        parts.append(mark_safe("\n</select>"))  # noqa: S308 - a constant
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped above

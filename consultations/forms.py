from django import forms

from actionplans.models import ActionItem

from .models import ConsultationAnswer, ConsultationComment


class ConsultationAnswerForm(forms.Form):
    POSITIONS = [
        (value, label)
        for value, label in ConsultationAnswer.Position.choices
        if value in ConsultationAnswer.STATE_POSITIONS
    ]

    position = forms.ChoiceField(
        label="Position of your state",
        choices=POSITIONS,
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when your state objects.",
    )


class ConsultationCommentForm(forms.Form):
    """One comment on a part of the draft; a row left entirely empty is no comment."""

    item = forms.ModelChoiceField(
        ActionItem.objects.none(), label="Action item", required=False, empty_label="—"
    )
    section = forms.CharField(
        label="or section",
        max_length=100,
        required=False,
        help_text="A part of the draft by its own numbering, e.g. “Section 3.2”.",
    )
    text = forms.CharField(
        label="Comment", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        if consultation.plan_id:
            # Only the circulated plan's items: another plan's item is not a valid choice.
            self.fields["item"].queryset = consultation.plan.items.order_by("reference")
            self.fields["item"].label_from_instance = lambda item: (
                f"{item.reference} {item.title[:80]}"
            )
        else:
            del self.fields["item"]
            self.fields["section"].label = "Section"

    @property
    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not (data.get("item") or data.get("section") or data.get("text"))

    def clean(self):
        cleaned = super().clean()
        if self.is_blank:
            return cleaned
        if not cleaned.get("text", "").strip():
            self.add_error("text", "Write the comment.")
        if "item" in self.errors:
            return cleaned
        try:
            ConsultationComment.validate_reference(
                self.consultation, cleaned.get("item"), cleaned.get("section", "").strip()
            )
        except forms.ValidationError as error:
            self.add_error("section", error)
        return cleaned

    def comment(self):
        return {key: self.cleaned_data.get(key) for key in ("item", "section", "text")}


ConsultationCommentFormSet = forms.formset_factory(
    ConsultationCommentForm, extra=3, max_num=100, validate_max=True
)


class DeadlineExtensionForm(forms.Form):
    deadline = forms.DateField(
        label="New deadline", help_text="The new last day to answer, as YYYY-MM-DD."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Recorded with the extension and sent to the focal points.",
    )

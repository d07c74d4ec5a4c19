from django import forms

from core.uploads import TooLargeUploadsFormMixin, validate_upload
from memberstates.models import SMEBody

from .models import Activity, Agreement, Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(TooLargeUploadsFormMixin, forms.Form):
    """A focal point records their state's agreement with a partner: the parties are one of
    the state's SME bodies and a partner, nothing else."""

    kind = forms.ChoiceField(
        choices=[
            (Agreement.Kind.BILATERAL, Agreement.Kind.BILATERAL.label),
            (Agreement.Kind.ORGANISATION, Agreement.Kind.ORGANISATION.label),
        ]
    )
    title = forms.CharField(max_length=300)
    body = forms.ModelChoiceField(
        queryset=SMEBody.objects.none(), label="SME governmental body (first party)"
    )
    partner = forms.ModelChoiceField(queryset=Partner.objects.all(), label="Partner (other party)")
    status = forms.ChoiceField(choices=Agreement.Status.choices)
    signed_on = forms.DateField(required=False, widget=DATE)
    in_force_on = forms.DateField(label="Entered into force on", required=False, widget=DATE)
    valid_until = forms.DateField(required=False, widget=DATE)
    automatic_renewal = forms.BooleanField(required=False)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    text = forms.FileField(
        label="Text of the agreement",
        required=False,
        validators=[validate_upload],
        help_text="PDF or Word. Leave empty to keep the text already stored.",
    )
    is_published = forms.BooleanField(
        label="Publish the text and the published activities to the other states", required=False
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        if len(bodies) == 1:
            self.initial.setdefault("body", bodies[0].pk)

    @classmethod
    def initial_of(cls, agreement):
        names = [n for n in cls.base_fields if n != "text"]
        return {n: getattr(agreement, f"{n}_id" if n in ("body", "partner") else n) for n in names}


class ActivityForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=Activity.Kind.choices)
    responsible = forms.ChoiceField(
        label="Responsible party",
        choices=Activity.Responsible.choices,
        help_text="When the partner is responsible, your state's focal points still report.",
    )
    start_date = forms.DateField(widget=DATE)
    due_date = forms.DateField(label="End date", widget=DATE)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    report = forms.CharField(
        label="Short report",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Afterwards: what was done. Progress and evidence go on the action item.",
    )
    is_published = forms.BooleanField(label="Published to the other states", required=False)

    @staticmethod
    def initial_of(activity):
        item = activity.item
        return {
            "title": item.title,
            "kind": activity.kind,
            "responsible": activity.responsible,
            "start_date": activity.start_date,
            "due_date": item.due_date,
            "description": item.description,
            "report": activity.report,
            "is_published": activity.is_published,
        }

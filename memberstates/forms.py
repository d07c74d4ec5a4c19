from django import forms

from .models import FocalPoint

FocalPointContactFormSet = forms.modelformset_factory(
    FocalPoint,
    fields=["full_name", "job_title", "email", "phone"],
    extra=0,
    edit_only=True,
)

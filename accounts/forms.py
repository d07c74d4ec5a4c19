import datetime

from django import forms
from django.utils import timezone

from .models import ApiToken, FeedToken


class ApiTokenForm(forms.Form):
    LIFETIMES = [("30", "30 days"), ("90", "90 days"), ("365", "One year"), ("", "Never")]

    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “KOSGEB reporting script”."
    )
    lifetime = forms.ChoiceField(
        label="Expires after", choices=LIFETIMES, required=False, initial="90"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Name the token after what will use it.")
        return name

    def clean(self):
        cleaned = super().clean()
        if self.user.api_tokens.count() >= ApiToken.MAX_PER_USER:
            raise forms.ValidationError(
                "You have %(count)d tokens already; revoke one you no longer use first.",
                params={"count": ApiToken.MAX_PER_USER},
            )
        return cleaned

    def issue(self):
        """Create the token; return it and its secret (shown once, never stored)."""
        days = self.cleaned_data["lifetime"]
        expires_at = timezone.now() + datetime.timedelta(days=int(days)) if days else None
        return ApiToken.issue(user=self.user, name=self.cleaned_data["name"], expires_at=expires_at)


class FeedTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Where you will subscribe, e.g. “Outlook at the office”."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Name the feed after where you will use it.")
        return name

    def clean(self):
        cleaned = super().clean()
        if self.user.feed_tokens.count() >= FeedToken.MAX_PER_USER:
            raise forms.ValidationError(
                "You have %(count)d calendar feeds already; revoke one first.",
                params={"count": FeedToken.MAX_PER_USER},
            )
        return cleaned

    def issue(self):
        return FeedToken.issue(user=self.user, name=self.cleaned_data["name"])

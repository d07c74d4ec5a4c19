import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "d8p_"  # noqa: S105 - marks a string as a portal token, not a secret


def token_digest(secret):
    # The secrets are 256 random bits: a plain SHA-256 is as strong as a slow hash here,
    # and lets the lookup be an index search.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token: other systems act as its owner. Only a hash of it is stored."""

    # How stale `last_used_at` may get: saves a write on every authenticated request.
    LAST_USED_PRECISION = datetime.timedelta(minutes=1)
    MAX_PER_USER = 20

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. a script.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(
        max_length=12, editable=False, help_text="The token's first characters, to recognise it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table the token model had when it lived in d8portal: moved without a copy.
        db_table = "d8portal_apitoken"
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name, expires_at=None):
        """Create a token for `user`; return it and its secret, which is never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=token_digest(secret),
            hint=secret[: len(TOKEN_PREFIX) + 4],
            expires_at=expires_at,
        )
        return token, secret

    @classmethod
    def find(cls, secret):
        """The token with this secret, its owner loaded, or None."""
        return cls.objects.select_related("user").filter(digest=token_digest(secret)).first()

    def record_use(self):
        """Note that the token was used now (to the minute)."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= self.LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()


FEED_TOKEN_PREFIX = "d8cal_"  # noqa: S105 - marks a string as a calendar feed token


class FeedToken(models.Model):
    """A secret address of a personal calendar feed: whoever has it reads its owner's
    deadlines, nothing else. Only a hash of it is stored; revoking deletes it."""

    MAX_PER_USER = 5

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    name = models.CharField(max_length=100, help_text="Where the feed is used, e.g. “Outlook”.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "calendar feed token"

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name):
        """Create a feed token for `user`; return it and its secret, which is never stored."""
        secret = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=token_digest(secret),
            hint=secret[: len(FEED_TOKEN_PREFIX) + 4],
        )
        return token, secret

    @classmethod
    def find(cls, secret):
        """The token with this secret, its owner active, or None."""
        return (
            cls.objects.select_related("user")
            .filter(digest=token_digest(secret), user__is_active=True)
            .first()
        )

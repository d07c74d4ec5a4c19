"""The Secretariat's calendar: due dates are dates in its time zone, not the server's."""

import zoneinfo

from django.conf import settings
from django.utils import timezone


def secretariat_today():
    """Today's date in the Secretariat's time zone (Europe/Istanbul by default)."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.SECRETARIAT_TIME_ZONE)).date()

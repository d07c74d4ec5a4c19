"""The Secretariat's calendar: due dates are dates in its time zone, not the server's."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def secretariat_today():
    """Today's date in the Secretariat's time zone (Europe/Istanbul by default)."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(settings.SECRETARIAT_TIME_ZONE)).date()


def secretariat_zone_name():
    """The Secretariat's time zone as people say it: "Istanbul time" for Europe/Istanbul."""
    city = settings.SECRETARIAT_TIME_ZONE.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} time"


def long_date(value):
    """A date as people read it, the portal's one format: "29 April 2026". An instant gives
    its date in the Secretariat's time zone."""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(zoneinfo.ZoneInfo(settings.SECRETARIAT_TIME_ZONE))
    return f"{value.day} {value:%B %Y}"


def secretariat_when(value):
    """An instant as people read it, in the Secretariat's time zone with its name:
    "29 April 2026, 14:05 Istanbul time"."""
    local = value.astimezone(zoneinfo.ZoneInfo(settings.SECRETARIAT_TIME_ZONE))
    return f"{local.day} {local:%B %Y, %H:%M} {secretariat_zone_name()}"

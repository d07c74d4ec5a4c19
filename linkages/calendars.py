"""iCalendar (RFC 5545) feeds with the `icalendar` library: stable UIDs, time zones (VTIMEZONE
and TZID) for events, all-day entries for meetings and deadlines."""

import datetime

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

UID_DOMAIN = "d8-sme-portal"


def new_calendar(name):
    cal = Calendar()
    cal.add("prodid", "-//D-8 SME Cooperation Portal//Calendars//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _stamp(component, uid, summary, url):
    component.add("uid", f"{uid}@{UID_DOMAIN}")
    component.add("dtstamp", timezone.now().replace(microsecond=0))
    component.add("summary", summary)
    component.add("url", url)


def event_component(event, *, base_url):
    """A VEVENT in the host's time zone."""
    component = VEvent()
    _stamp(component, f"event-{event.pk}", event.title, base_url + event.get_absolute_url())
    component.add("dtstart", event.local_start.replace(microsecond=0))
    component.add("dtend", event.local_end.replace(microsecond=0))
    place = ", ".join(part for part in [event.venue, event.city] if part)
    if event.format == event.Format.ONLINE:
        place = "Online"
    if place:
        component.add("location", place)
    component.add("description", f"{event.get_kind_display()} hosted by {event.host}.")
    return component


def meeting_component(meeting, *, base_url):
    """An all-day VEVENT over the meeting's dates."""
    component = VEvent()
    _stamp(
        component,
        f"meeting-{meeting.pk}",
        meeting.full_title,
        base_url + meeting.get_absolute_url(),
    )
    component.add("dtstart", meeting.start_date)
    component.add("dtend", meeting.end_date + datetime.timedelta(days=1))
    component.add("location", meeting.place)
    if meeting.status == "cancelled":
        component.add("status", "CANCELLED")
    return component


def deadline_component(deadline, *, base_url):
    component = VEvent()
    _stamp(component, deadline.uid, deadline.title, base_url + deadline.path)
    component.add("dtstart", deadline.date)
    component.add("dtend", deadline.date + datetime.timedelta(days=1))
    if deadline.description:
        component.add("description", deadline.description)
    return component


def to_ical(cal):
    cal.add_missing_timezones()
    return cal.to_ical()

"""The deadlines each app registers (in AppConfig.ready) for a person's calendar, so that a
calendar feed lists them all without importing any app.

A source is a function of a user returning `Deadline`s that the user may see: their state's
action items, consultations their state answers, data calls, registration deadlines.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    uid: str  # stable across feeds and days, e.g. "action-item-42-due"
    title: str
    date: datetime.date
    path: str  # the page of the record on the portal
    description: str = ""


_sources: dict[str, Callable] = {}


def register(name, source):
    """Register (or replace) the deadline source called `name`."""
    _sources[name] = source


def deadlines_for(user):
    """Every registered source's deadlines for the user, by date."""
    found = [deadline for source in _sources.values() for deadline in source(user)]
    return sorted(found, key=lambda d: (d.date, d.uid))

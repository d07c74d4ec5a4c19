"""The daily work of the apps, each registering its own (in AppConfig.ready), so that the sweep
command runs all of it without importing any app.

Each piece of work is a pair of functions of the Secretariat's date: `run` does the work and
`plan` says what it would do, without writing or sending anything; both return lines that
tell a person what was (or would be) done. Beat runs each app's own task (see core.schedule).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DailyWork:
    name: str
    run: Callable
    plan: Callable


_registry = {}


def register(name, *, run, plan):
    """Register (or replace) the daily work called `name`; work runs in registration order."""
    _registry[name] = DailyWork(name, run, plan)


def registered():
    return list(_registry.values())

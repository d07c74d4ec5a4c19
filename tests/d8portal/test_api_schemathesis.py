"""Property-based run of schemathesis against the live schema: no 500s, no answer off-schema.

Every operation of /api/schema/ gets a bounded, deterministic set of generated requests, made
through the portal's WSGI application with a focal point's token and, in a second run, as the
Secretariat (whose requests reach the writing code). Half of the generated path identifiers are
swapped for ones that exist, so requests reach real records and not only 404s.
"""

import datetime
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import ApiToken
from core.clock import secretariat_today
from meetings.models import Outcome
from memberstates.models import MoUAccession
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    AgendaItemFactory,
    AttendanceFactory,
    BestPracticeFactory,
    MeetingFactory,
    MoUAccessionFactory,
    MoUFactory,
    OpenConsultationFactory,
    OutcomeFactory,
    ProgressUpdateFactory,
    TaskForceFactory,
)

EXAMPLES_PER_OPERATION = 10


# Loaded once, as a client would: from the portal's /api/schema/ (it needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.config.generation.update(max_examples=EXAMPLES_PER_OPERATION, deterministic=True)


@pytest.fixture(autouse=True)
def requests_within_the_test_transaction(db, settings, tmp_path):
    """Keep each request from closing the connection that holds the test's transaction (as
    Django's test client does); no throttling; uploads in a temporary folder."""
    settings.API_THROTTLE_USER = "100000/minute"
    settings.MEDIA_ROOT = tmp_path / "media"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(nigeria, turkiye, smedan, kosgeb, nigeria_focal, turkiye_focal, secretariat):
    """A little of everything, so generated requests find records to read and change."""
    meeting = MeetingFactory(slug="9th-sme", host_state=nigeria, host_body=smedan)
    AgendaItemFactory(meeting=meeting)
    AttendanceFactory(meeting=meeting, state=turkiye, delegates="Deniz Yılmaz")
    final = OutcomeFactory(meeting=meeting)
    Outcome.objects.filter(pk=final.pk).update(status=Outcome.Status.FINAL)
    draft = OutcomeFactory(meeting=meeting)
    TaskForceFactory(slug="smes").coordinators.set([turkiye])
    MoUAccessionFactory(
        mou=MoUFactory(),
        state=nigeria,
        status=MoUAccession.Status.SIGNED,
        signed_on=datetime.date(2015, 1, 27),
    )
    plan = ActionPlanFactory(slug="sme-centre", proposed_by=nigeria)
    item = ActionItemFactory(plan=plan, lead_state=nigeria, outcome=final)
    item.supporting_states.add(turkiye)
    theirs = ActionItemFactory(plan=plan, lead_state=turkiye)
    update = ProgressUpdateFactory(item=item, author=nigeria_focal)
    ProgressUpdateFactory(item=theirs, author=turkiye_focal)
    today = secretariat_today()
    consulted = OpenConsultationFactory(
        states=[nigeria, turkiye], circulated_on=today, deadline=today + datetime.timedelta(30)
    )
    ActionItemFactory(plan=consulted.plan, lead_state=nigeria)
    closed = OpenConsultationFactory(states=[nigeria, turkiye])
    closed.record_closing(by=None, now=timezone.now())
    return {
        "member-states": ["nigeria", "turkiye"],
        "task-forces": ["smes"],
        "meetings": ["9th-sme"],
        "action-plans": ["sme-centre"],
        "action-items": [item.pk, theirs.pk],
        "outcomes": [final.pk, draft.pk],
        "progress-updates": [update.pk],
        "sme-bodies": [smedan.pk, kosgeb.pk],
        "focal-points": list(
            nigeria_focal.focal_point.body.focal_points.values_list("pk", flat=True)
        ),
        "mou-accessions": list(MoUAccession.objects.values_list("pk", flat=True)),
        "mous": list(MoUAccession.objects.values_list("mou_id", flat=True)),
        "agenda-items": list(meeting.agenda_items.values_list("pk", flat=True)),
        "delegations": list(meeting.attendances.values_list("pk", flat=True)),
        "consultations": [consulted.pk, closed.pk],
        "best-practices": [
            BestPracticeFactory(state=nigeria, body=smedan, status="draft").pk,
            BestPracticeFactory(state=turkiye, body=kosgeb).pk,
            BestPracticeFactory(state=turkiye, body=kosgeb, status="draft").pk,
        ],
    }


def with_known_identifiers(case, world):
    """Swap every other generated identifier for one that exists (deterministically)."""
    endpoint = case.path.split("/")[3] if case.path.startswith("/api/v1/") else None
    known = world.get(endpoint)
    for name, value in list((case.path_parameters or {}).items()):
        if known and zlib.crc32(repr(value).encode()) % 2:
            case.path_parameters[name] = known[zlib.crc32(repr(value).encode()) % len(known)]


def bearer(user):
    _, secret = ApiToken.issue(user=user, name="schemathesis")
    # The WSGI transport hands the body over as sent; a compressed answer is tested elsewhere.
    return {"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}


CHECKS = [not_a_server_error, response_schema_conformance]
HYPOTHESIS = {
    "max_examples": EXAMPLES_PER_OPERATION,
    "derandomize": True,
    "database": None,
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
}


def is_write(ctx):
    return ctx.operation.method.upper() in {"POST", "PUT", "PATCH"}


def is_focal_point_write(ctx):
    if ctx.operation.path.startswith("/api/v1/best-practices/"):
        return True
    return ctx.operation.method.upper() == "POST" and ctx.operation.path.endswith(
        ("progress-updates/", "consultations/{id}/answer/")
    )


# A focal point reads everything, posts progress, answers consultations and writes their state's
# practices; their other writes
# stop at the permission check (tested in each app), so generating bodies for them would only
# cost time.
focal_point_operations = schema.include(lambda ctx: not is_write(ctx) or is_focal_point_write(ctx))
# The Secretariat's writes reach validation and the database: generated bodies only (the
# boundary-value phase multiplies the cases of wide bodies past this test's time budget).
secretariat_writes = schema.include(is_write)


@focal_point_operations.parametrize()
@settings(**HYPOTHESIS)
def test_api_as_a_focal_point_answers_no_500_and_stays_on_schema(case, world, nigeria_focal):
    with_known_identifiers(case, world)
    case.call_and_validate(headers=bearer(nigeria_focal), checks=CHECKS)


@secretariat_writes.parametrize()
@settings(**HYPOTHESIS, phases=[Phase.generate])
def test_secretariat_writes_answer_no_500_and_stay_on_schema(case, world, secretariat):
    with_known_identifiers(case, world)
    case.call_and_validate(headers=bearer(secretariat), checks=CHECKS)

"""Every API list runs the same number of SQL queries whatever the number of rows."""

import itertools

import pytest
from django.utils import timezone
from django_countries import countries

from consultations.models import ConsultationComment
from meetings.models import Outcome
from tests.api_helpers import queries_for
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ActivityFactory,
    AgendaItemFactory,
    AgreementFactory,
    AttendanceFactory,
    BestPracticeFactory,
    ConsultationAnswerFactory,
    EventFactory,
    FocalPointFactory,
    MeetingFactory,
    MemberStateFactory,
    MoUAccessionFactory,
    MoUFactory,
    NominationFactory,
    OpenConsultationFactory,
    OpportunityFactory,
    OutcomeFactory,
    PartnerFactory,
    ProgressUpdateFactory,
    SMEBodyFactory,
    TaskForceFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

COUNTRY_CODES = itertools.cycle([code for code, _ in countries if code not in {"NG", "TR"}])


def an_item(nigeria, turkiye, **kwargs):
    """An item Nigeria leads, Türkiye supports, from a final outcome, in a plan of its own."""
    outcome = OutcomeFactory()
    Outcome.objects.filter(pk=outcome.pk).update(status=Outcome.Status.FINAL)
    item = ActionItemFactory(lead_state=nigeria, outcome=outcome, **kwargs)
    item.supporting_states.add(turkiye)
    return item


def a_meeting(nigeria, smedan, turkiye):
    meeting = MeetingFactory(host_state=nigeria, host_body=smedan, task_force=TaskForceFactory())
    AgendaItemFactory(meeting=meeting)
    AttendanceFactory(meeting=meeting, state=turkiye)
    an_item(nigeria, turkiye, outcome__meeting=meeting)
    return meeting


def a_plan(nigeria, turkiye):
    plan = ActionPlanFactory(proposed_by=nigeria, adopted_at=MeetingFactory())
    an_item(nigeria, turkiye, plan=plan)
    an_item(nigeria, turkiye, plan=plan)
    return plan


def a_focal_point(nigeria, smedan, turkiye):
    return FocalPointFactory(body=SMEBodyFactory(state=nigeria))


def a_task_force(nigeria, smedan, turkiye):
    task_force = TaskForceFactory()
    task_force.coordinators.set([nigeria, turkiye])
    return task_force


def an_accession(nigeria, smedan, turkiye):
    return MoUAccessionFactory(state=MemberStateFactory(iso_code=next(COUNTRY_CODES)))


def an_update(nigeria, smedan, turkiye):
    return ProgressUpdateFactory(item=an_item(nigeria, turkiye))


def a_closed_consultation(nigeria, smedan, turkiye):
    """Answered by Nigeria with a comment, Türkiye silent: readable by everyone."""
    consultation = OpenConsultationFactory(states=[nigeria, turkiye])
    answer = ConsultationAnswerFactory(
        consultation=consultation, state=nigeria, position="accept_with_comments"
    )
    ConsultationComment.objects.create(answer=answer, section="Section 1", text="Reword.")
    consultation.record_closing(by=None, now=timezone.now())
    return consultation


def a_practice(nigeria, smedan, turkiye):
    """Nigeria's, with a theme and a meeting; Türkiye's drafts are read by the Secretariat."""
    practice = BestPracticeFactory(state=nigeria, body=smedan)
    practice.themes.add(ThemeFactory())
    practice.meetings.add(MeetingFactory())
    BestPracticeFactory(state=turkiye, status="draft")
    return practice


def an_activity(nigeria, smedan, turkiye):
    """Nigeria's, published; a Turkish draft the Secretariat reads too."""
    agreement = AgreementFactory(body=smedan, is_published=True)
    ActivityFactory(agreement=AgreementFactory(body__state=turkiye))
    return ActivityFactory(agreement=agreement, is_published=True)


# endpoint -> what makes one more row of it (given Nigeria, SMEDAN, Türkiye)
ROWS = {
    "member-states": lambda n, s, t: MemberStateFactory(iso_code=next(COUNTRY_CODES)),
    "sme-bodies": lambda n, s, t: SMEBodyFactory(state=n),
    "focal-points": a_focal_point,
    "mous": lambda n, s, t: MoUAccessionFactory(mou=MoUFactory(), state=n).mou,
    "mou-accessions": lambda n, s, t: MoUAccessionFactory(state=n),
    "task-forces": a_task_force,
    "meetings": a_meeting,
    "agenda-items": lambda n, s, t: AgendaItemFactory(),
    "delegations": lambda n, s, t: AttendanceFactory(state=t),
    "outcomes": lambda n, s, t: an_item(n, t, outcome__meeting=MeetingFactory()).outcome,
    "action-plans": lambda n, s, t: a_plan(n, t),
    "action-items": lambda n, s, t: an_item(n, t),
    "progress-updates": an_update,
    "consultations": a_closed_consultation,
    "best-practices": a_practice,
    "opportunities": lambda n, s, t: OpportunityFactory(state=n, body=s),
    "events": lambda n, s, t: EventFactory(host_state=t),
    "nominations": lambda n, s, t: NominationFactory(state=n, event=EventFactory(host_state=t)),
    "partners": lambda n, s, t: PartnerFactory(),
    "agreements": lambda n, s, t: AgreementFactory(body=s),
    "activities": an_activity,
}
SIGNED_IN_ONLY = {"focal-points", "action-items", "progress-updates", "nominations"}


READERS = [
    (endpoint, reader)
    for endpoint in ROWS
    for reader in ["anonymous", "focal point", "secretariat"]
    if not (reader == "anonymous" and endpoint in SIGNED_IN_ONLY)
]


@pytest.mark.parametrize("endpoint, reader", READERS)
def test_list_queries_do_not_grow_with_the_rows(
    api, endpoint, reader, nigeria, smedan, turkiye, nigeria_focal, secretariat
):
    if reader != "anonymous":
        api.force_login(nigeria_focal if reader == "focal point" else secretariat)
    url = f"/api/v1/{endpoint}/?page_size=100"
    make_row = ROWS[endpoint]

    for _ in range(2):
        make_row(nigeria, smedan, turkiye)
    queries_small, rows_small = queries_for(api, url)
    for _ in range(18):
        make_row(nigeria, smedan, turkiye)
    queries_large, rows_large = queries_for(api, url)

    assert rows_large >= rows_small + 18
    assert queries_large == queries_small


def test_list_page_size_does_not_change_the_query_count(api, nigeria, smedan, turkiye):
    for _ in range(30):
        a_meeting(nigeria, smedan, turkiye)

    small, _ = queries_for(api, "/api/v1/meetings/?page_size=2")
    large, rows = queries_for(api, "/api/v1/meetings/?page_size=30")

    assert rows == 30
    assert small == large

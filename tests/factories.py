import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan, ProgressUpdate
from consultations.models import Consultation, ConsultationAnswer
from knowledge.models import BestPractice, ExchangeRequest, Theme
from linkages.models import Event, InterestExpression, Nomination, Opportunity
from meetings.models import AgendaItem, Attendance, Document, Meeting, Outcome
from memberstates.models import FocalPoint, MemberState, MoU, MoUAccession, SMEBody
from partners.models import Activity, Agreement, Partner
from taskforces.models import TaskForce


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery")


class MemberStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberState
        django_get_or_create = ["iso_code"]

    name = factory.Sequence(lambda n: f"State {n}")
    slug = factory.Sequence(lambda n: f"state-{n}")
    iso_code = factory.Iterator(["FR", "DE", "IT", "ES", "PT", "BE", "NL", "AT", "DK", "SE"])
    joined_on = datetime.date(1997, 6, 15)


class SMEBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SMEBody

    state = factory.SubFactory(MemberStateFactory)
    name = factory.Sequence(lambda n: f"SME Development Agency {n}")
    acronym = factory.Sequence(lambda n: f"SMEA{n}")


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    body = factory.SubFactory(SMEBodyFactory)
    full_name = factory.Sequence(lambda n: f"Focal Point {n}")
    email = factory.Sequence(lambda n: f"focal{n}@example.org")
    role = FocalPoint.Role.ALTERNATE


class MoUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoU

    title = factory.Sequence(lambda n: f"Memorandum of Understanding {n}")
    short_name = factory.Sequence(lambda n: f"MoU {n}")
    concluded_on = datetime.date(2015, 1, 27)


class MoUAccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoUAccession

    mou = factory.SubFactory(MoUFactory)
    state = factory.SubFactory(MemberStateFactory)


class TaskForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskForce

    number = factory.Sequence(lambda n: n + 100)
    name = factory.Sequence(lambda n: f"Industry {n}")
    slug = factory.Sequence(lambda n: f"industry-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.SME_BODIES
    number = factory.Sequence(lambda n: n + 100)
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    format = Meeting.Format.IN_PERSON
    city = "Istanbul"
    start_date = datetime.date(2026, 4, 28)
    end_date = factory.LazyAttribute(lambda m: m.start_date)
    status = Meeting.Status.HELD


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    state = factory.SubFactory(MemberStateFactory)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"The meeting decided on matter {n}.")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    meeting = factory.SubFactory(MeetingFactory)
    kind = Document.Kind.DECLARATION
    title = factory.Sequence(lambda n: f"Declaration {n}")


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    title = factory.Sequence(lambda n: f"Action plan {n}")
    slug = factory.Sequence(lambda n: f"action-plan-{n}")
    status = ActionPlan.Status.IN_IMPLEMENTATION


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    plan = factory.SubFactory(ActionPlanFactory)
    reference = factory.Sequence(lambda n: f"AI-{n:04d}")
    title = factory.Sequence(lambda n: f"Action item {n}")
    lead_state = factory.SubFactory(MemberStateFactory)
    due_date = datetime.date(2026, 12, 31)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    item = factory.SubFactory(ActionItemFactory)
    author = factory.SubFactory(UserFactory)
    percent_complete = 50
    status = ActionItem.Status.IN_PROGRESS
    narrative = "Half of the work is done."


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A draft consultation on a plan under refinement; `states=[...]` consults those states."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Consultation on draft {n}")
    plan = factory.SubFactory(ActionPlanFactory, status=ActionPlan.Status.UNDER_REFINEMENT)
    procedure = Consultation.Procedure.SILENCE

    @factory.post_generation
    def states(self, create, extracted, **kwargs):
        if create and extracted:
            self.states.set(extracted)


class OpenConsultationFactory(ConsultationFactory):
    status = Consultation.Status.OPEN
    circulated_on = datetime.date(2026, 5, 1)
    deadline = datetime.date(2026, 5, 31)


class ConsultationAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationAnswer

    consultation = factory.SubFactory(OpenConsultationFactory)
    state = factory.SubFactory(MemberStateFactory)
    position = ConsultationAnswer.Position.ACCEPT


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class BestPracticeFactory(factory.django.DjangoModelFactory):
    """A published practice unless a status is given; the body is one of the state's."""

    class Meta:
        model = BestPractice

    state = factory.SubFactory(MemberStateFactory)
    body = factory.SubFactory(SMEBodyFactory, state=factory.SelfAttribute("..state"))
    title = factory.Sequence(lambda n: f"Practice {n}")
    instrument = BestPractice.Instrument.PROGRAMME
    summary = "What the practice does, in two sentences."
    description = "How the practice works."
    status = BestPractice.Status.PUBLISHED
    published_at = factory.Maybe(
        factory.LazyAttribute(lambda p: p.status in ("published", "archived")),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )
    return_comment = factory.Maybe(
        factory.LazyAttribute(lambda p: p.status == "returned"),
        yes_declaration="Please add the results.",
        no_declaration="",
    )


class ExchangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRequest

    practice = factory.SubFactory(BestPracticeFactory)
    requesting_state = factory.SubFactory(MemberStateFactory)
    requested_by = factory.SubFactory(UserFactory)
    message = "Could we learn how this works?"


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A published opportunity unless a status is given; the body is one of the state's."""

    class Meta:
        model = Opportunity

    state = factory.SubFactory(MemberStateFactory)
    body = factory.SubFactory(SMEBodyFactory, state=factory.SelfAttribute("..state"))
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    sector = "C"
    location = "Lagos"
    kind = Opportunity.Kind.JOINT_VENTURE
    size_min = 100_000
    size_max = 500_000
    description = "A manufacturing partner is sought."
    contact_name = "Contact Person"
    contact_email = "contact@example.org"
    valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))
    status = Opportunity.Status.PUBLISHED
    published_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status in ("published", "expired")),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )
    return_comment = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == "returned"),
        yes_declaration="Please give the size.",
        no_declaration="",
    )


class InterestExpressionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterestExpression

    opportunity = factory.SubFactory(OpportunityFactory)
    state = factory.SubFactory(MemberStateFactory)
    created_by = factory.SubFactory(UserFactory)


class EventFactory(factory.django.DjangoModelFactory):
    """A workshop hosted by a member state in a month, two places per state."""

    class Meta:
        model = Event

    kind = Event.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Workshop {n}")
    host_kind = Event.HostKind.MEMBER_STATE
    host_state = factory.SubFactory(MemberStateFactory)
    format = Event.Format.IN_PERSON
    city = "Tehran"
    time_zone = "Asia/Tehran"
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    end = factory.LazyAttribute(lambda e: e.start + datetime.timedelta(hours=8))
    registration_deadline = factory.LazyAttribute(
        lambda e: (e.start - datetime.timedelta(days=10)).date()
    )
    places_per_state = 2


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    event = factory.SubFactory(EventFactory)
    state = factory.SubFactory(MemberStateFactory)
    name = factory.Sequence(lambda n: f"Participant {n}")
    organisation = "An SME"
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    nominated_by = factory.SubFactory(UserFactory)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    kind = Partner.Kind.COUNTERPART
    name = factory.Sequence(lambda n: f"SME Agency {n}")
    acronym = factory.Sequence(lambda n: f"SA{n}")
    slug = factory.Sequence(lambda n: f"sme-agency-{n}")
    country = "KR"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    kind = Agreement.Kind.BILATERAL
    title = factory.Sequence(lambda n: f"Memorandum of Understanding on SME cooperation {n}")
    body = factory.SubFactory(SMEBodyFactory)
    partner = factory.SubFactory(PartnerFactory)
    status = Agreement.Status.IN_FORCE
    signed_on = datetime.date(2025, 1, 15)
    in_force_on = datetime.date(2025, 3, 1)
    valid_until = datetime.date(2028, 12, 31)
    plan = factory.SubFactory(ActionPlanFactory, proposed_by=factory.SelfAttribute("..body.state"))


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    class Params:
        agreement = factory.SubFactory(AgreementFactory)

    item = factory.SubFactory(
        ActionItemFactory,
        plan=factory.SelfAttribute("..agreement.plan"),
        lead_state=factory.SelfAttribute("..agreement.body.state"),
        due_date=datetime.date(2027, 1, 31),
    )
    kind = Activity.Kind.TRAINING
    start_date = datetime.date(2026, 11, 1)

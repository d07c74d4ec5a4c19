"""The REST API's address book: every app's viewsets under /api/v1/."""

from rest_framework.routers import DefaultRouter

from actionplans.api import ActionItemViewSet, ActionPlanViewSet, ProgressUpdateViewSet
from consultations.api import ConsultationViewSet
from knowledge.api import BestPracticeViewSet
from linkages.api import EventViewSet, NominationViewSet, OpportunityViewSet
from meetings.api import AgendaItemViewSet, DelegationViewSet, MeetingViewSet, OutcomeViewSet
from memberstates.api import (
    FocalPointViewSet,
    MemberStateViewSet,
    MoUAccessionViewSet,
    MoUViewSet,
    SMEBodyViewSet,
)
from partners.api import ActivityViewSet, AgreementViewSet, PartnerViewSet
from taskforces.api import TaskForceViewSet

router = DefaultRouter()
router.register("member-states", MemberStateViewSet, basename="member-state")
router.register("sme-bodies", SMEBodyViewSet, basename="sme-body")
router.register("focal-points", FocalPointViewSet, basename="focal-point")
router.register("mous", MoUViewSet, basename="mou")
router.register("mou-accessions", MoUAccessionViewSet, basename="mou-accession")
router.register("task-forces", TaskForceViewSet, basename="task-force")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("progress-updates", ProgressUpdateViewSet, basename="progress-update")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("best-practices", BestPracticeViewSet, basename="best-practice")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("events", EventViewSet, basename="event")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("partners", PartnerViewSet, basename="partner")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("activities", ActivityViewSet, basename="activity")

urlpatterns = router.urls

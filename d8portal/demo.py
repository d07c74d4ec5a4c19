"""Load the demo data of demo_data.yaml: idempotent, it only creates what is missing.

Records that already exist are left as they are, so a second run changes nothing and edits
made in the admin survive a re-run.
"""

import datetime
import zoneinfo
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan, ProgressNotice
from actionplans.services import progress_update_post
from consultations.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    DeadlineExtension,
)
from core.clock import secretariat_today
from indicators.models import (
    DataCall,
    DataCallSubmission,
    Indicator,
    IndicatorValue,
    NationalDefinition,
    Target,
)
from knowledge.models import BestPractice, ExchangeRequest, Theme
from linkages.models import Event, InterestExpression, InterestMessage, Opportunity
from meetings.models import AgendaItem, Attendance, Document, Meeting, Outcome
from memberstates.models import FocalPoint, MemberState, MoU, MoUAccession, SMEBody
from partners.models import Activity, Agreement, Partner, PartnerMeeting
from partners.services import agreement_plan_ensure
from taskforces.models import TaskForce

DATA_FILE = Path(__file__).with_name("demo_data.yaml")


class DemoLoader:
    def __init__(self, data, *, with_accounts, password):
        self.data = data
        self.with_accounts = with_accounts
        self.password = password
        self.created = {}

    def _get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            label = model._meta.verbose_name_plural
            self.created[label] = self.created.get(label, 0) + 1
        return obj

    @transaction.atomic
    def load(self):
        states = self._load_states()
        bodies = self._load_bodies(states)
        users = self._load_accounts() if self.with_accounts else {}
        self._load_focal_points(bodies, users)
        task_forces = self._load_task_forces(states)
        self._load_mous(states)
        meetings = self._load_meetings(states, bodies, task_forces)
        self._publish(meetings)
        reporters = self._reporters(users)
        self._load_action_plans(states, meetings, reporters)
        documents = self._load_documents(meetings)
        self._load_consultations(states, documents, users)
        practices = self._load_best_practices(states, bodies, meetings, users)
        self._load_exchange_requests(practices, users)
        self._load_partners(bodies, meetings, reporters)
        self._load_events(states, bodies)
        opportunities = self._load_opportunities(states, bodies)
        self._load_opportunity_interests(opportunities, users)
        self._load_statistics(states, users)
        return self.created

    def _load_states(self):
        states = {}
        for row in self.data["member_states"]:
            code = row["iso_code"]
            states[code] = self._get_or_create(
                MemberState,
                iso_code=code,
                defaults={k: row[k] for k in ("name", "slug", "joined_on")},
            )
        return states

    def _load_bodies(self, states):
        bodies = {}
        for row in self.data["sme_bodies"]:
            bodies[row["acronym"]] = self._get_or_create(
                SMEBody,
                acronym=row["acronym"],
                defaults={
                    "state": states[row["state"]],
                    "name": row["name"],
                    "parent_ministry": row.get("parent_ministry", ""),
                },
            )
        return bodies

    def _load_accounts(self):
        users = {}
        User = get_user_model()
        for row in self.data["accounts"]:
            user = User.objects.filter(username=row["username"]).first()
            if user is None:
                user = User(
                    username=row["username"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    email=row["email"],
                    is_staff=row.get("staff", False),
                )
                user.set_password(self.password)
                user.save()
                user.groups.set(Group.objects.filter(name__in=row.get("groups", [])))
                self.created["accounts"] = self.created.get("accounts", 0) + 1
            users[row["username"]] = user
        return users

    def _load_focal_points(self, bodies, users):
        for row in self.data["focal_points"]:
            user = users.get(row.get("user"))
            focal_point = self._get_or_create(
                FocalPoint,
                email=row["email"],
                defaults={
                    "body": bodies[row["body"]],
                    "full_name": row["full_name"],
                    "job_title": row.get("job_title", ""),
                    "role": row.get("role", FocalPoint.Role.PRIMARY),
                    "user": user,
                },
            )
            # Loaded first without the demo accounts: the account is what is missing.
            if user is not None and focal_point.user_id is None:
                focal_point.user = user
                focal_point.save(update_fields=["user"])

    def _load_task_forces(self, states):
        task_forces = {}
        for row in self.data["task_forces"]:
            task_force = self._get_or_create(
                TaskForce,
                number=row["number"],
                defaults={
                    "name": row["name"],
                    "slug": row["slug"],
                    "tor_approved_on": row.get("tor_approved_on"),
                },
            )
            if not task_force.coordinators.exists():
                task_force.coordinators.set([states[code] for code in row["coordinators"]])
            task_forces[row["number"]] = task_force
        return task_forces

    def _load_mous(self, states):
        for row in self.data["mous"]:
            mou = self._get_or_create(
                MoU,
                short_name=row["short_name"],
                defaults={k: row[k] for k in ("title", "concluded_on", "place", "summary")},
            )
            for accession in row["accessions"]:
                self._get_or_create(
                    MoUAccession,
                    mou=mou,
                    state=states[accession["state"]],
                    defaults={
                        "status": accession["status"],
                        "signed_on": accession.get("signed_on"),
                        "in_force_on": accession.get("in_force_on"),
                    },
                )

    def _load_meetings(self, states, bodies, task_forces):
        meetings = {}
        published = set(self.data["published_meetings"])
        fields = ("kind", "number", "title", "format", "city", "venue", "start_date", "end_date")
        for row in self.data["meetings"]:
            defaults = {k: row[k] for k in fields if k in row}
            defaults.update(
                status=row["status"],
                summary=row.get("summary", "").strip(),
                host_state=states.get(row.get("host_state")),
                host_body=bodies.get(row.get("host_body")),
                task_force=task_forces.get(row.get("task_force")),
            )
            meeting = self._get_or_create(Meeting, slug=row["slug"], defaults=defaults)
            for agenda in row.get("agenda", []):
                self._get_or_create(
                    AgendaItem, meeting=meeting, number=agenda["number"], defaults=agenda
                )
            for attendance in row.get("attendance", []):
                self._get_or_create(
                    Attendance,
                    meeting=meeting,
                    state=states[attendance["state"]],
                    defaults={
                        "status": attendance["status"],
                        "head_of_delegation": attendance.get("head_of_delegation", ""),
                    },
                )
            status = Outcome.Status.FINAL if row["slug"] in published else Outcome.Status.DRAFT
            for outcome in row.get("outcomes", []):
                self._get_or_create(
                    Outcome,
                    meeting=meeting,
                    number=outcome["number"],
                    defaults={"kind": outcome["kind"], "text": outcome["text"], "status": status},
                )
            meetings[row["slug"]] = meeting
        return meetings

    def _publish(self, meetings):
        for slug in self.data["published_meetings"]:
            meeting = meetings[slug]
            if meeting.outcomes_published_at is None:
                meeting.outcomes_published_at = self._in_office_hours(meeting.end_date)
                meeting.save(update_fields=["outcomes_published_at"])

    def _load_action_plans(self, states, meetings, reporters):
        for row in self.data["action_plans"]:
            plan = self._get_or_create(
                ActionPlan,
                slug=row["slug"],
                defaults={
                    "title": row["title"],
                    "status": row["status"],
                    "summary": row.get("summary", "").strip(),
                    "proposed_by": states.get(row.get("proposed_by")),
                    "tabled_at": meetings.get(row.get("tabled_at")),
                    "adopted_at": meetings.get(row.get("adopted_at")),
                },
            )
            for item in row["items"]:
                outcome = None
                if "outcome" in item:
                    slug, number = item["outcome"]
                    outcome = Outcome.objects.get(meeting=meetings[slug], number=number)
                action_item = self._get_or_create(
                    ActionItem,
                    reference=item["reference"],
                    defaults={
                        "plan": plan,
                        "title": item["title"],
                        "description": item.get("description", ""),
                        "outcome": outcome,
                        "lead_state": states[item["lead"]],
                        "due_date": item["due_date"],
                    },
                )
                if item.get("supporting") and not action_item.supporting_states.exists():
                    action_item.supporting_states.set([states[code] for code in item["supporting"]])
                self._post_progress(action_item, item.get("progress", []), reporters)

    def _reporters(self, users):
        """Who posts an item's demo progress: {username: user}, and {state id: user} for the
        states whose focal point has a demo account; the Secretariat for the others."""
        focal_points = FocalPoint.objects.filter(user__in=users.values(), is_active=True)
        by_state = {fp.body.state_id: fp.user for fp in focal_points.select_related("body", "user")}
        return {"users": users, "states": by_state, "secretariat": users.get("secretariat")}

    def _post_progress(self, item, history, reporters):
        """Bring an item with no progress yet to where the demo shows it by posting its history
        through the progress service, as its focal point would have: the item's page then tells
        how it got there. Each update is dated as the record says (never later than now); the
        Secretariat's notice of it counts as sent then, since this is history, not news."""
        author = reporters["states"].get(item.lead_state_id) or reporters["secretariat"]
        if not history or author is None or item.progress_updates.exists():
            return  # loaded without the demo accounts, items stay not started
        for row in history:
            reported_at = min(self._in_office_hours(row["date"]), timezone.now())
            update = progress_update_post(
                item=item,
                user=reporters["users"][row["by"]] if "by" in row else author,
                status=row["status"],
                percent_complete=row["percent"],
                narrative=row["text"],
                reported_at=reported_at,
            )
            ProgressNotice.objects.filter(update=update).update(sent_at=reported_at)
            self.created["progress updates"] = self.created.get("progress updates", 0) + 1

    def _load_documents(self, meetings):
        documents = {}
        for row in self.data["documents"]:
            meeting = meetings[row["meeting"]]
            documents[(row["meeting"], row["title"])] = self._get_or_create(
                Document, meeting=meeting, title=row["title"], defaults={"kind": row["kind"]}
            )
        return documents

    def _load_consultations(self, states, documents, users):
        secretariat = users.get("secretariat")
        for row in self.data["consultations"]:
            if Consultation.objects.filter(title=row["title"]).exists():
                continue
            consultation = self._get_or_create(
                Consultation,
                title=row["title"],
                defaults={
                    "plan": ActionPlan.objects.filter(slug=row.get("plan")).first(),
                    "document": documents.get(tuple(row.get("document", ()))),
                    "summary": row["summary"].strip(),
                    "procedure": row["procedure"],
                    "status": Consultation.Status.OPEN,
                    "circulated_on": row["circulated_on"],
                    "circulated_by": secretariat,
                    "deadline": row["deadline"],
                },
            )
            consultation.states.set([states[code] for code in row["states"]])
            for extension in row.get("extensions", []):
                self._extend(consultation, extension, secretariat)
            for answer in row.get("answers", []):
                self._answer(consultation, states[answer["state"]], answer, users)
            if row.get("closed_on"):
                consultation.record_closing(
                    by=secretariat, now=self._in_office_hours(row["closed_on"])
                )

    def _extend(self, consultation, row, secretariat):
        self._get_or_create(
            DeadlineExtension,
            consultation=consultation,
            new_deadline=row["new_deadline"],
            defaults={
                "previous_deadline": consultation.deadline,
                "reason": row["reason"],
                "extended_by": secretariat,
                "extended_at": self._in_office_hours(row["extended_on"]),
            },
        )
        consultation.deadline = row["new_deadline"]
        consultation.save(update_fields=["deadline"])

    def _answer(self, consultation, state, row, users):
        answer = self._get_or_create(
            ConsultationAnswer,
            consultation=consultation,
            state=state,
            defaults={"position": row["position"], "answered_by": users.get(row.get("user"))},
        )
        for comment in row.get("comments", []):
            self._get_or_create(
                ConsultationComment,
                answer=answer,
                text=comment["text"],
                defaults={
                    "consultation": consultation,
                    "item": ActionItem.objects.filter(reference=comment.get("item")).first(),
                    "section": comment.get("section", ""),
                },
            )

    @staticmethod
    def _in_office_hours(date):
        """11:00 at the Secretariat on that day: the demo's records give only the day."""
        zone = zoneinfo.ZoneInfo(settings.SECRETARIAT_TIME_ZONE)
        return datetime.datetime.combine(date, datetime.time(11), tzinfo=zone)

    def _load_best_practices(self, states, bodies, meetings, users):
        practices = {}
        secretariat = next((u for u in users.values() if u.is_staff), None)
        for row in self.data["best_practices"]:
            body = bodies[row["body"]]
            published_on = row.get("published_on")
            published_at = None
            if published_on:
                published_at = self._in_office_hours(published_on)
            practice = self._get_or_create(
                BestPractice,
                state=states[row["state"]],
                title=row["title"],
                defaults={
                    "body": body,
                    "pillar": row["pillar"],
                    "instrument": row["instrument"],
                    "summary": row["summary"].strip(),
                    "description": row["description"].strip(),
                    "results": row.get("results", ""),
                    "start_year": row.get("start_year"),
                    "contact": body.focal_points.filter(role="primary", is_active=True).first(),
                    "status": row["status"],
                    "submitted_at": published_at
                    or (timezone.now() if row["status"] == BestPractice.Status.SUBMITTED else None),
                    "published_at": published_at,
                    "published_by": secretariat if published_at else None,
                },
            )
            if row["themes"] and not practice.themes.exists():
                practice.themes.set(Theme.objects.filter(slug__in=row["themes"]))
            if row.get("meetings") and not practice.meetings.exists():
                practice.meetings.set([meetings[slug] for slug in row["meetings"]])
            if row.get("action_items") and not practice.action_items.exists():
                practice.action_items.set(
                    ActionItem.objects.filter(reference__in=row["action_items"])
                )
            practices[row["title"]] = practice
        return practices

    def _load_exchange_requests(self, practices, users):
        for row in self.data["exchange_requests"]:
            asker = users.get(row["requested_by"])
            if asker is None:  # loaded without the demo accounts
                continue
            self._get_or_create(
                ExchangeRequest,
                practice=practices[row["practice"]],
                requested_by=asker,
                defaults={
                    "requesting_state": asker.focal_point.body.state,
                    "message": row["message"].strip(),
                },
            )

    def _local(self, value, zone):
        naive = datetime.datetime.strptime(str(value), "%Y-%m-%d %H:%M")
        return timezone.make_aware(naive, zoneinfo.ZoneInfo(zone))

    def _load_events(self, states, bodies):
        for row in self.data["events"]:
            self._get_or_create(
                Event,
                slug=row["slug"],
                defaults={
                    "title": row["title"],
                    "kind": row["kind"],
                    "host_kind": row["host_kind"],
                    "host_state": states.get(row.get("host_state")),
                    "host_body": bodies.get(row.get("host_body")),
                    "host_name": row.get("host_name", ""),
                    "format": row["format"],
                    "city": row.get("city", ""),
                    "time_zone": row["time_zone"],
                    "start": self._local(row["start"], row["time_zone"]),
                    "end": self._local(row["end"], row["time_zone"]),
                    "registration_deadline": row.get("registration_deadline"),
                    "places_per_state": row["places_per_state"],
                    "action_item": ActionItem.objects.filter(
                        reference=row.get("action_item")
                    ).first(),
                    "is_illustrative": row.get("illustrative", False),
                    "description": row.get("description", ""),
                },
            )

    def _load_opportunities(self, states, bodies):
        opportunities = {}
        for row in self.data["opportunities"]:
            opportunities[row["title"]] = self._get_or_create(
                Opportunity,
                state=states[row["state"]],
                title=row["title"],
                defaults={
                    "body": bodies[row["body"]],
                    **{
                        name: row[name]
                        for name in (
                            "sector",
                            "kind",
                            "location",
                            "size_min",
                            "size_max",
                            "description",
                            "contact_name",
                            "contact_email",
                            "valid_until",
                        )
                    },
                    "is_illustrative": True,
                    "status": Opportunity.Status.PUBLISHED,
                    "submitted_at": timezone.now(),
                    "published_at": timezone.now(),
                },
            )
        return opportunities

    def _load_opportunity_interests(self, opportunities, users):
        for row in self.data["opportunity_interests"]:
            user = users.get(row["user"])
            if user is None:  # loaded without the demo accounts
                continue
            state = user.focal_point.body.state
            interest = self._get_or_create(
                InterestExpression,
                opportunity=opportunities[row["opportunity"]],
                state=state,
                defaults={"created_by": user},
            )
            if not interest.messages.exists():
                InterestMessage.objects.create(
                    interest=interest, state=state, author=user, text=row["message"]
                )

    def _load_partners(self, bodies, meetings, reporters):
        partners = {}
        for row in self.data["partners"]:
            fields = ("kind", "name", "acronym", "country", "website", "description")
            partners[row["slug"]] = self._get_or_create(
                Partner, slug=row["slug"], defaults={k: row[k] for k in fields if k in row}
            )
        for row in self.data["agreements"]:
            fields = ("kind", "status", "signed_on", "in_force_on", "valid_until", "summary")
            defaults = {k: row[k] for k in fields if k in row}
            defaults.update(
                body=bodies.get(row.get("body")),
                partner=partners.get(row.get("partner")),
                mou=MoU.objects.get(short_name=row["mou"]) if "mou" in row else None,
                automatic_renewal=row.get("automatic_renewal", False),
                is_published=row.get("is_published", False),
                is_illustrative=row.get("illustrative", False),
            )
            agreement = self._get_or_create(Agreement, title=row["title"], defaults=defaults)
            agreement_plan_ensure(agreement=agreement)
            for number, activity in enumerate(row.get("activities", []), start=1):
                item = self._get_or_create(
                    ActionItem,
                    reference=f"AGR{agreement.pk}-{number}",
                    defaults={
                        "plan": agreement.plan,
                        "title": activity["title"],
                        "lead_state": agreement.body.state,
                        "due_date": activity["due_date"],
                    },
                )
                self._post_progress(item, activity.get("progress", []), reporters)
                self._get_or_create(
                    Activity,
                    item=item,
                    defaults={
                        "kind": activity["kind"],
                        "responsible": activity["responsible"],
                        "start_date": activity["start_date"],
                        "report": activity.get("report", ""),
                        "is_published": activity.get("published", False),
                    },
                )
        for row in self.data["partner_meetings"]:
            self._get_or_create(
                PartnerMeeting, meeting=meetings[row["meeting"]], partner=partners[row["partner"]]
            )

    def _load_statistics(self, states, users):
        indicators = {}
        for position, row in enumerate(self.data["indicators"], start=1):
            indicators[row["code"]] = self._get_or_create(
                Indicator, code=row["code"], defaults={**row, "position": position}
            )
        for row in self.data["national_definitions"]:
            row = dict(row)
            self._get_or_create(
                NationalDefinition,
                state=states[row.pop("state")],
                year_adopted=row.pop("year_adopted"),
                defaults={**row, "is_illustrative": True, "source": "Illustrative placeholder"},
            )
        now = timezone.now()
        published = {"status": IndicatorValue.Status.PUBLISHED, "published_at": now}
        for row in self.data["recorded_values"]:
            self._get_or_create(
                IndicatorValue,
                indicator=indicators[row["indicator"]],
                state=None,
                year=row["year"],
                defaults={"value": row["value"], "note": row["note"], **published},
            )
        for row in self.data["targets"]:
            row = dict(row)
            self._get_or_create(Target, indicator=indicators[row.pop("indicator")], defaults=row)
        series = self.data["illustrative_values"]
        for code, by_state in series["series"].items():
            for iso, (first, step) in by_state.items():
                for year in range(series["first_year"], series["last_year"] + 1):
                    value = round(first + step * (year - series["first_year"]), 2)
                    self._get_or_create(
                        IndicatorValue,
                        indicator=indicators[code],
                        state=states[iso],
                        year=year,
                        defaults={"value": value, "is_illustrative": True, **published},
                    )
        self._load_data_call(states, indicators, users)

    def _load_data_call(self, states, indicators, users):
        row = self.data["data_call"]
        deadline = secretariat_today() + datetime.timedelta(days=row["days_to_deadline"])
        call = self._get_or_create(
            DataCall,
            reference_year=row["reference_year"],
            defaults={
                "deadline": deadline,
                "opened_by": next((u for u in users.values() if u.is_staff), None),
            },
        )
        if not call.indicators.exists():
            call.indicators.set([indicators[code] for code in row["indicators"]])
        for entry in row["entries"]:
            user = users.get(entry["user"])
            if user is None:  # loaded without the demo accounts
                continue
            submitted = entry["status"] == IndicatorValue.Status.SUBMITTED
            now = timezone.now()
            for code, value in entry["values"].items():
                self._get_or_create(
                    IndicatorValue,
                    indicator=indicators[code],
                    state=states[entry["state"]],
                    year=call.reference_year,
                    defaults={
                        "value": value,
                        "status": entry["status"],
                        "is_illustrative": True,
                        "submitted_by": user if submitted else None,
                        "submitted_at": now if submitted else None,
                    },
                )
            if submitted:
                self._get_or_create(
                    DataCallSubmission,
                    data_call=call,
                    state=states[entry["state"]],
                    defaults={"submitted_by": user, "submitted_at": now},
                )


def load_demo(*, with_accounts=True, password=None):
    """Create whatever demo records are missing; return {record kind: number created}."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    loader = DemoLoader(
        data, with_accounts=with_accounts, password=password or settings.DEMO_PASSWORD
    )
    return loader.load()


def demo_usernames():
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return [row["username"] for row in data["accounts"]]

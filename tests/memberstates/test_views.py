"""Member state pages: public facts, focal-point contacts for participants, /my-state/ edits,
the state's action items and consultation positions to whoever may read them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_countries import countries

from actionplans.models import ActionItem
from consultations.models import Consultation, ConsultationAnswer
from memberstates.models import FocalPoint, MemberState, MoUAccession
from tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    ConsultationAnswerFactory,
    FocalPointFactory,
    MeetingFactory,
    MemberStateFactory,
    MoUAccessionFactory,
    MoUFactory,
    OpenConsultationFactory,
    ProgressUpdateFactory,
    SMEBodyFactory,
)

Position = ConsultationAnswer.Position

MY_STATE = "/my-state/"


@pytest.fixture
def amina(nigeria_focal):
    return FocalPoint.objects.get(user=nigeria_focal)


@pytest.fixture
def deniz(turkiye_focal):
    return FocalPoint.objects.get(user=turkiye_focal)


def contact_formset(*rows, initial=None):
    """POST data for the contact formset: one row per (focal point id or None, fields)."""
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows) if initial is None else initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, (pk, fields) in enumerate(rows):
        if pk is not None:
            data[f"form-{i}-id"] = str(pk)
        for name, value in fields.items():
            data[f"form-{i}-{name}"] = value
    return data


def contact(focal_point, **changes):
    fields = {
        "full_name": focal_point.full_name,
        "job_title": focal_point.job_title,
        "email": focal_point.email,
        "phone": focal_point.phone,
    }
    fields.update(changes)
    return focal_point.pk, fields


def contact_details(focal_point):
    stored = FocalPoint.objects.get(pk=focal_point.pk)
    return (
        stored.full_name,
        stored.job_title,
        stored.email,
        stored.phone,
        stored.role,
        stored.is_active,
        stored.body_id,
        stored.user_id,
    )


# /my-state/


def test_focal_point_sees_their_own_states_focal_points_on_my_state(
    client, nigeria_focal, amina, deniz
):
    client.force_login(nigeria_focal)

    response = client.get(MY_STATE)

    assert response.status_code == 200
    assert [form.instance for form in response.context["formset"]] == [amina]
    assert "Deniz Yılmaz" not in response.content.decode()


def test_focal_point_edits_their_own_states_contact_details(client, nigeria_focal, amina):
    client.force_login(nigeria_focal)

    response = client.post(
        MY_STATE,
        contact_formset(contact(amina, email="amina.bello@smedan.gov.ng", phone="+234 9 000 0000")),
    )

    assert response.status_code == 302
    assert response["Location"] == MY_STATE
    amina.refresh_from_db()
    assert (amina.email, amina.phone) == ("amina.bello@smedan.gov.ng", "+234 9 000 0000")


def test_focal_point_edits_an_alternate_of_their_own_state(client, nigeria_focal, smedan, amina):
    alternate = FocalPointFactory(body=smedan, full_name="Musa Okafor")
    client.force_login(nigeria_focal)

    client.post(
        MY_STATE,
        contact_formset(contact(amina), contact(alternate, job_title="Deputy Director")),
    )

    alternate.refresh_from_db()
    assert alternate.job_title == "Deputy Director"


def test_forging_another_states_focal_point_id_changes_nothing_for_that_record(
    client, nigeria_focal, deniz
):
    before = contact_details(deniz)
    client.force_login(nigeria_focal)

    client.post(MY_STATE, contact_formset(contact(deniz, email="hijacked@example.org")))

    assert contact_details(deniz) == before


def test_forging_another_states_focal_point_id_next_to_ones_own_changes_nothing_for_it(
    client, nigeria_focal, amina, deniz
):
    before = contact_details(deniz)
    client.force_login(nigeria_focal)

    client.post(
        MY_STATE,
        contact_formset(contact(amina), contact(deniz, email="hijacked@example.org")),
    )

    assert contact_details(deniz) == before


def test_forging_another_states_focal_point_id_creates_nothing(client, nigeria_focal, deniz):
    count = FocalPoint.objects.count()
    client.force_login(nigeria_focal)

    client.post(MY_STATE, contact_formset(contact(deniz, email="hijacked@example.org")))

    assert FocalPoint.objects.count() == count
    assert not FocalPoint.objects.filter(email="hijacked@example.org").exists()


def test_extra_form_in_the_post_creates_no_focal_point(client, nigeria_focal, amina):
    count = FocalPoint.objects.count()
    client.force_login(nigeria_focal)

    client.post(
        MY_STATE,
        contact_formset(
            contact(amina),
            (None, {"full_name": "Intruder", "email": "intruder@example.org"}),
            initial=1,
        ),
    )

    assert FocalPoint.objects.count() == count


def test_fields_outside_the_contact_details_cannot_be_changed(client, nigeria_focal, amina, kosgeb):
    before = contact_details(amina)
    client.force_login(nigeria_focal)

    _, fields = contact(amina)
    fields.update(role="alternate", is_active="", body=str(kosgeb.pk), user="")
    client.post(MY_STATE, contact_formset((amina.pk, fields)))

    assert contact_details(amina) == before


def test_invalid_email_is_shown_and_saves_nothing(client, nigeria_focal, amina):
    before = contact_details(amina)
    client.force_login(nigeria_focal)

    response = client.post(MY_STATE, contact_formset(contact(amina, email="not-an-address")))

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert contact_details(amina) == before


def test_inactive_focal_points_are_not_offered_for_editing(client, nigeria_focal, smedan, amina):
    FocalPointFactory(body=smedan, full_name="Former Focal", is_active=False)
    client.force_login(nigeria_focal)

    response = client.get(MY_STATE)

    assert [form.instance for form in response.context["formset"]] == [amina]


def test_delegate_gets_403_on_my_state(client, delegate):
    client.force_login(delegate)

    assert client.get(MY_STATE).status_code == 403


def test_delegates_post_to_my_state_gets_403_and_changes_nothing(client, delegate, amina):
    before = contact_details(amina)
    client.force_login(delegate)

    response = client.post(MY_STATE, contact_formset(contact(amina, email="x@example.org")))

    assert response.status_code == 403
    assert contact_details(amina) == before


def test_secretariat_without_a_state_gets_403_on_my_state(client, secretariat):
    client.force_login(secretariat)

    assert client.get(MY_STATE).status_code == 403


def test_anonymous_visitor_is_redirected_to_login_from_my_state(client, db):
    response = client.get(MY_STATE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# The member state's page


def test_focal_point_email_is_hidden_from_anonymous_visitors(client, amina):
    page = client.get("/member-states/nigeria/").content.decode()

    assert amina.email not in page
    assert "Amina Bello" not in page
    assert "shown to signed-in participants" in page


@pytest.mark.parametrize("persona", ["delegate", "turkiye_focal", "secretariat"])
def test_focal_point_email_is_shown_to_signed_in_users(client, request, amina, persona):
    client.force_login(request.getfixturevalue(persona))

    page = client.get("/member-states/nigeria/").content.decode()

    assert f'<a href="mailto:{amina.email}">{amina.email}</a>' in page


def test_inactive_focal_points_are_not_shown_on_the_states_page(client, delegate, smedan):
    former = FocalPointFactory(body=smedan, email="former@smedan.example.org", is_active=False)
    client.force_login(delegate)

    page = client.get("/member-states/nigeria/").content.decode()

    assert former.email not in page


def test_states_page_links_its_own_focal_point_to_my_state(client, nigeria_focal, turkiye):
    client.force_login(nigeria_focal)

    own = client.get("/member-states/nigeria/").content.decode()
    other = client.get("/member-states/turkiye/").content.decode()

    assert f'href="{MY_STATE}"' in own.split("<main", 1)[1]
    assert f'href="{MY_STATE}"' not in other.split("<main", 1)[1]


def test_unknown_state_is_404(client, db):
    assert client.get("/member-states/atlantis/").status_code == 404


# Query counts stay the same at two sizes


def new_states(n):
    used = set(MemberState.objects.values_list("iso_code", flat=True))
    codes = [code for code, _ in countries if code not in used][:n]
    return [MemberStateFactory(iso_code=code) for code in codes]


def add_states(n, mou):
    for state in new_states(n):
        SMEBodyFactory(state=state)
        SMEBodyFactory(state=state)
        MoUAccessionFactory(mou=mou, state=state, status=MoUAccession.Status.NOT_SIGNED)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", [None, "nigeria_focal"])
def test_state_list_runs_the_same_queries_for_3_and_30_states(client, request, db, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    mou = MoUFactory()
    add_states(3, mou)
    small = queries_for(client, "/member-states/")

    add_states(27, mou)
    MoUFactory()
    large = queries_for(client, "/member-states/")

    assert small == large


def add_alternates(n, body):
    for _ in range(n):
        FocalPointFactory(body=body)


@pytest.mark.parametrize("persona", ["delegate", "nigeria_focal"])
def test_state_page_runs_the_same_queries_for_3_and_30_focal_points(
    client, request, smedan, persona
):
    client.force_login(request.getfixturevalue(persona))
    mou = MoUFactory()
    MoUAccessionFactory(mou=mou, state=smedan.state)
    add_alternates(3, smedan)
    small = queries_for(client, "/member-states/nigeria/")

    add_alternates(27, SMEBodyFactory(state=smedan.state))
    large = queries_for(client, "/member-states/nigeria/")

    assert small == large


def test_state_page_lists_the_ten_newest_meetings_it_hosted_and_links_all_of_them(client, nigeria):
    for year in range(2015, 2026):
        MeetingFactory(number=year, host_state=nigeria, start_date=datetime.date(year, 5, 1))

    page = client.get("/member-states/nigeria/").content.decode()

    assert "1 May 2025" in page and "1 May 2016" in page
    assert "1 May 2015" not in page
    assert 'href="/meetings/?host=nigeria">All meetings hosted by Nigeria</a>' in page
    assert len(client.get("/meetings/", {"host": "nigeria"}).context["page"]) == 11


def test_state_page_with_ten_hosted_meetings_or_fewer_shows_them_all_without_a_link(
    client, nigeria
):
    for year in range(2016, 2026):
        MeetingFactory(number=year, host_state=nigeria, start_date=datetime.date(year, 5, 1))

    page = client.get("/member-states/nigeria/").content.decode()

    assert "1 May 2016" in page
    assert "?host=nigeria" not in page


# The state's action items, through the action plans' tag: only the items the reader may see

TODAY = datetime.date(2026, 5, 20)
DAY = datetime.timedelta(days=1)
Status = ActionItem.Status
NIGERIA = "/member-states/nigeria/"


@pytest.fixture
def today(secretariat_clock):
    secretariat_clock.set(TODAY)
    return TODAY


def section(page, heading_id):
    """The part of the page under the section labelled by `heading_id`."""
    start = page.index(f'<section aria-labelledby="{heading_id}"')
    return page[start : page.index("</section>", start)]


def items_of(page):
    return section(page, "items-heading")


@pytest.fixture
def nigerias_items(today, nigeria, turkiye):
    """Nigeria leads an overdue item, an item in progress and a completed one, and supports an
    item Türkiye leads; Türkiye leads one alone."""
    abuja = ActionPlanFactory(title="Action Plan for the D-8 SME Centre in Abuja", slug="abuja")
    items = {
        "late": ActionItemFactory(
            plan=abuja,
            reference="NG-1",
            title="Find the premises",
            lead_state=nigeria,
            due_date=TODAY - DAY,
        ),
        "running": ActionItemFactory(
            plan=abuja,
            reference="NG-2",
            title="Hire the staff",
            lead_state=nigeria,
            status=Status.IN_PROGRESS,
            percent_complete=50,
            due_date=TODAY + 30 * DAY,
        ),
        "done": ActionItemFactory(
            plan=abuja,
            reference="NG-3",
            title="Sign the host agreement",
            lead_state=nigeria,
            status=Status.COMPLETED,
            percent_complete=100,
            due_date=TODAY - 60 * DAY,
        ),
        "shared": ActionItemFactory(
            reference="TR-1",
            title="Joint trade fair pavilion",
            lead_state=turkiye,
            due_date=TODAY + 10 * DAY,
        ),
        "turkiye_only": ActionItemFactory(
            reference="TR-2",
            title="KOSGEB mentoring",
            lead_state=turkiye,
        ),
    }
    items["shared"].supporting_states.add(nigeria)
    return items


@pytest.mark.parametrize("persona", ["secretariat", "nigeria_focal"])
def test_secretariat_and_the_states_focal_point_see_its_items_linked(
    client, request, nigerias_items, persona
):
    client.force_login(request.getfixturevalue(persona))

    items = items_of(client.get(NIGERIA).content.decode())

    for key in ("late", "running", "shared"):
        item = nigerias_items[key]
        assert f'<a href="/action-items/{item.pk}/">{item.reference} {item.title}</a>' in items
    assert 'Joint trade fair pavilion</a> <span class="muted">(supporting)</span>' in items
    assert "TR-2" not in items


@pytest.mark.parametrize("persona", ["secretariat", "nigeria_focal"])
def test_state_page_counts_the_items_per_status_and_shows_the_overall_progress(
    client, request, nigerias_items, persona
):
    client.force_login(request.getfixturevalue(persona))

    items = items_of(client.get(NIGERIA).content.decode())

    assert "<li><strong>2</strong> not started</li>" in items
    assert "<li><strong>1</strong> in progress</li>" in items
    assert "<li><strong>1</strong> completed</li>" in items
    assert "<li><strong>1</strong> overdue</li>" in items
    # (0 + 50 + 100 + 0) / 4
    assert 'value="38"' in items and "38%" in items


def test_state_page_lists_open_items_only_the_soonest_due_first(
    client, secretariat, nigerias_items
):
    client.force_login(secretariat)

    items = items_of(client.get(NIGERIA).content.decode())

    assert items.index("NG-1") < items.index("TR-1") < items.index("NG-2")
    assert "NG-3" not in items
    assert "Sign the host agreement" not in items


def test_state_page_links_each_items_plan(client, nigeria_focal, nigerias_items):
    client.force_login(nigeria_focal)

    items = items_of(client.get(NIGERIA).content.decode())

    assert '<a href="/action-plans/abuja/">Action Plan for the D-8 SME Centre in Abuja</a>' in items


def test_state_page_shows_dates_as_people_read_them(client, nigeria_focal, nigerias_items):
    client.force_login(nigeria_focal)

    items = items_of(client.get(NIGERIA).content.decode())

    assert "<td>19 May 2026</td>" in items


def test_state_page_lists_ten_items_and_links_the_secretariat_to_the_rest(
    client, secretariat, today, nigeria
):
    for n in range(12):
        ActionItemFactory(reference=f"NG-{n:02d}", lead_state=nigeria, due_date=TODAY + n * DAY)
    client.force_login(secretariat)

    items = items_of(client.get(NIGERIA).content.decode())

    assert len(re.findall(r'<a href="/action-items/\d+/">', items)) == 10
    assert "NG-09" in items and "NG-10" not in items
    assert '<a href="/action-items/?state=nigeria">All 12 items of Nigeria</a>' in items


def test_the_secretariats_link_lists_the_states_items(client, secretariat, nigerias_items):
    client.force_login(secretariat)

    listed = client.get("/action-items/", {"state": "nigeria"}).context["page"].object_list

    assert {item.reference for item in listed} == {"NG-1", "NG-2", "NG-3", "TR-1"}


def test_the_states_focal_point_is_linked_to_their_item_list(client, nigeria_focal, nigerias_items):
    client.force_login(nigeria_focal)

    items = items_of(client.get(NIGERIA).content.decode())

    assert '<a href="/action-items/">All 4 items of Nigeria</a>' in items


def test_other_states_focal_point_does_not_see_the_states_own_items(
    client, turkiye_focal, nigerias_items
):
    client.force_login(turkiye_focal)

    page = client.get(NIGERIA).content.decode()

    for key in ("late", "running", "done"):
        assert nigerias_items[key].reference not in page
        assert nigerias_items[key].title not in page
        assert f"/action-items/{nigerias_items[key].pk}/" not in page
    assert "shown to the Secretariat and to the focal points of Nigeria" in items_of(page)


def test_other_states_focal_point_sees_only_the_items_their_state_shares(
    client, turkiye_focal, nigerias_items
):
    client.force_login(turkiye_focal)

    items = items_of(client.get(NIGERIA).content.decode())

    assert "Your state shares 1 item with Nigeria" in items
    assert f'<a href="/action-items/{nigerias_items["shared"].pk}/">' in items
    assert "<li><strong>1</strong> not started</li>" in items
    assert "<li><strong>0</strong> in progress</li>" in items


def test_delegate_is_told_who_sees_the_states_items(client, delegate, nigerias_items):
    client.force_login(delegate)

    items = items_of(client.get(NIGERIA).content.decode())

    assert "shown to the Secretariat and to the focal points of Nigeria" in items
    assert "/action-items/" not in items
    assert "Log in" not in items


def test_anonymous_visitor_is_told_who_sees_the_items_and_offered_a_login(client, nigerias_items):
    page = client.get(NIGERIA).content.decode()

    items = items_of(page)
    assert "shown to the Secretariat and to the focal points of Nigeria" in items
    assert f'<a href="/accounts/login/?next={NIGERIA}">Log in</a>' in items
    for item in nigerias_items.values():
        assert item.reference not in page


def test_state_without_items_says_so_to_its_focal_point(client, nigeria_focal, today):
    client.force_login(nigeria_focal)

    items = items_of(client.get(NIGERIA).content.decode())

    assert "Nigeria is responsible for no action item yet." in items


# The state's positions in written consultations, through the consultations' tag


def closed_consultation(title, states):
    return OpenConsultationFactory(
        title=title,
        states=states,
        status=Consultation.Status.CLOSED,
        result=Consultation.Result.ADOPTED,
        closed_at=timezone.now(),
    )


@pytest.fixture
def nigerias_positions(today, nigeria, turkiye):
    """Nigeria accepted a closed consultation and objects to an open one."""
    closed = closed_consultation("Communication network draft", [nigeria, turkiye])
    ConsultationAnswerFactory(consultation=closed, state=nigeria, position=Position.ACCEPT)
    ConsultationAnswerFactory(consultation=closed, state=turkiye, position=Position.ACCEPT)
    open_ = OpenConsultationFactory(
        title="Draft plan for the SME Centre",
        states=[nigeria, turkiye],
        deadline=TODAY + 10 * DAY,
    )
    ConsultationAnswerFactory(
        consultation=open_, state=nigeria, position=Position.OBJECT, reasons="Not yet."
    )
    return closed, open_


def positions_of(page):
    return section(page, "positions-heading")


@pytest.mark.parametrize("persona", [None, "delegate", "turkiye_focal"])
def test_others_see_the_states_positions_on_closed_consultations_only(
    client, request, nigerias_positions, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    closed, open_ = nigerias_positions

    page = client.get(NIGERIA).content.decode()

    positions = positions_of(page)
    assert f'<a href="/consultations/{closed.pk}/">Communication network draft</a>' in positions
    assert "<td>Accept</td>" in positions
    assert "Draft plan for the SME Centre" not in page
    assert "Object" not in positions
    assert "/answer/" not in positions


def test_the_states_focal_point_sees_its_open_answer_linked_to_the_answer_page(
    client, nigeria_focal, nigerias_positions
):
    closed, open_ = nigerias_positions
    client.force_login(nigeria_focal)

    positions = positions_of(client.get(NIGERIA).content.decode())

    assert f'<a href="/consultations/{open_.pk}/">Draft plan for the SME Centre</a>' in positions
    assert (
        f'Object · <a href="/consultations/{open_.pk}/answer/nigeria/">Revise the answer</a>'
        in positions
    )
    assert f"/consultations/{closed.pk}/answer/" not in positions
    # The newest first.
    assert positions.index("Draft plan for the SME Centre") < positions.index(
        "Communication network draft"
    )


def test_the_secretariat_sees_every_position_without_the_answer_page(
    client, secretariat, nigerias_positions
):
    closed, open_ = nigerias_positions
    client.force_login(secretariat)

    positions = positions_of(client.get(NIGERIA).content.decode())

    assert f'<a href="/consultations/{open_.pk}/">Draft plan for the SME Centre</a>' in positions
    assert f'<a href="/consultations/{closed.pk}/">Communication network draft</a>' in positions
    assert "/answer/" not in positions


def test_state_page_lists_the_ten_newest_positions_and_links_the_consultations(
    client, today, nigeria
):
    for n in range(12):
        consultation = closed_consultation(f"Draft number {n:02d}", [nigeria])
        ConsultationAnswerFactory(consultation=consultation, state=nigeria)

    positions = positions_of(client.get(NIGERIA).content.decode())

    assert positions.count('<a href="/consultations/') == 11
    assert "Draft number 11" in positions and "Draft number 01" not in positions
    assert '<a href="/consultations/">All written consultations</a>' in positions


# The state's page runs a fixed number of queries, whatever its items and answers


def add_items_and_answers(state, n):
    partner = new_states(1)[0]
    for _ in range(n):
        led = ActionItemFactory(lead_state=state, plan=ActionPlanFactory(), due_date=TODAY)
        supported = ActionItemFactory(lead_state=partner, due_date=TODAY + DAY)
        supported.supporting_states.add(state)
        ProgressUpdateFactory(item=led)
        closed = closed_consultation("Closed draft", [state, partner])
        ConsultationAnswerFactory(consultation=closed, state=state)
        opened = OpenConsultationFactory(states=[state, partner], deadline=TODAY + 10 * DAY)
        ConsultationAnswerFactory(consultation=opened, state=state)


# Persona: queries of the whole request (session and user included for the signed-in).
STATE_PAGE_QUERIES = {None: 13, "secretariat": 19, "nigeria_focal": 19}


@pytest.mark.parametrize("persona", list(STATE_PAGE_QUERIES))
def test_state_page_runs_a_fixed_number_of_queries_with_items_and_answers(
    client, request, today, smedan, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    nigeria = smedan.state
    add_items_and_answers(nigeria, 3)
    small = queries_for(client, NIGERIA)

    add_items_and_answers(nigeria, 12)
    large = queries_for(client, NIGERIA)

    assert (small, large) == (STATE_PAGE_QUERIES[persona],) * 2

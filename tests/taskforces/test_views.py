"""Task force pages: public, with their coordinators and meetings."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_countries import countries

from meetings.models import Meeting
from memberstates.models import MemberState
from tests.factories import MeetingFactory, MemberStateFactory, TaskForceFactory


@pytest.fixture
def industry(nigeria, turkiye):
    task_force = TaskForceFactory(number=1, name="Industry", slug="industry")
    task_force.coordinators.add(nigeria, turkiye)
    return task_force


def test_task_force_list_shows_each_task_force_with_its_coordinators(client, industry):
    page = client.get("/task-forces/").content.decode()

    assert 'href="/task-forces/industry/">Industry</a>' in page
    assert (
        '<a href="/member-states/nigeria/">Nigeria</a>, '
        '<a href="/member-states/turkiye/">Türkiye</a>' in page
    )


def test_task_force_without_coordinators_shows_a_dash(client, db):
    TaskForceFactory(name="Tourism")

    page = client.get("/task-forces/").content.decode()

    assert "<td>—</td>" in page


def test_task_force_page_lists_its_meetings(client, industry, nigeria):
    MeetingFactory(kind=Meeting.Kind.TASK_FORCE, number=2, task_force=industry, host_state=nigeria)

    page = client.get("/task-forces/industry/").content.decode()

    assert "2nd D-8 Task Force on Industry meeting" in page
    assert 'Istanbul, <a href="/member-states/nigeria/">Nigeria</a>' in page


def test_task_force_page_does_not_list_other_task_forces_meetings(client, industry):
    MeetingFactory(kind=Meeting.Kind.TASK_FORCE, number=3, task_force=TaskForceFactory())

    page = client.get("/task-forces/industry/").content.decode()

    assert "3rd" not in page


def test_task_force_page_lists_the_ten_newest_meetings_and_links_all_of_them(
    client, industry, nigeria
):
    for number in range(1, 12):
        MeetingFactory(
            kind=Meeting.Kind.TASK_FORCE,
            number=number,
            task_force=industry,
            start_date=datetime.date(2015 + number, 3, 1),
        )

    page = client.get("/task-forces/industry/").content.decode()

    assert "11th D-8 Task Force on Industry meeting" in page
    assert "2nd D-8 Task Force on Industry meeting" in page
    assert "1st D-8 Task Force on Industry meeting" not in page
    assert (
        'href="/meetings/?task_force=industry">All meetings of the Task Force on Industry' in page
    )
    listed = client.get("/meetings/", {"task_force": "industry"}).context["page"]
    assert len(listed) == 11


def test_task_force_page_with_ten_meetings_or_fewer_shows_them_all_without_a_link(client, industry):
    for number in range(1, 11):
        MeetingFactory(kind=Meeting.Kind.TASK_FORCE, number=number, task_force=industry)

    page = client.get("/task-forces/industry/").content.decode()

    assert "1st D-8 Task Force on Industry meeting" in page
    assert "?task_force=industry" not in page


def test_unknown_task_force_is_404(client, db):
    assert client.get("/task-forces/no-such-task-force/").status_code == 404


# Query counts stay the same at two sizes


def new_states(n):
    used = set(MemberState.objects.values_list("iso_code", flat=True))
    codes = [code for code, _ in countries if code not in used][:n]
    return [MemberStateFactory(iso_code=code) for code in codes]


def add_task_forces(n):
    for state in new_states(n):
        TaskForceFactory().coordinators.add(state, *new_states(1))


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", [None, "nigeria_focal"])
def test_task_force_list_runs_the_same_queries_for_3_and_30_task_forces(
    client, request, db, persona
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    add_task_forces(3)
    small = queries_for(client, "/task-forces/")

    add_task_forces(27)
    large = queries_for(client, "/task-forces/")

    assert small == large


def add_meetings(task_force, n, host):
    for _ in range(n):
        MeetingFactory(kind=Meeting.Kind.TASK_FORCE, task_force=task_force, host_state=host)


def test_task_force_page_runs_the_same_queries_for_3_and_30_meetings(client, industry, nigeria):
    add_meetings(industry, 3, nigeria)
    small = queries_for(client, "/task-forces/industry/")

    add_meetings(industry, 27, nigeria)
    large = queries_for(client, "/task-forces/industry/")

    assert small == large

"""API of the task forces."""

import pytest

from taskforces.models import TaskForce
from tests.api_helpers import field_errors
from tests.factories import TaskForceFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def task_forces(nigeria, turkiye):
    sme = TaskForceFactory(number=1, name="SMEs", slug="smes")
    sme.coordinators.set([turkiye])
    textiles = TaskForceFactory(number=2, name="Textiles", slug="textiles", status="dormant")
    textiles.coordinators.set([nigeria, turkiye])
    return sme, textiles


def test_anyone_lists_task_forces_with_their_coordinators(api, task_forces):
    results = api.get("/api/v1/task-forces/").json()["results"]

    assert [(t["name"], t["coordinators"]) for t in results] == [
        ("SMEs", ["turkiye"]),
        ("Textiles", ["nigeria", "turkiye"]),
    ]


def test_task_forces_are_filtered_by_coordinator_and_status(api, task_forces):
    assert names(api.get("/api/v1/task-forces/?coordinator=nigeria")) == ["Textiles"]
    assert names(api.get("/api/v1/task-forces/?status=active")) == ["SMEs"]
    assert field_errors(api.get("/api/v1/task-forces/?status=asleep"), "status")


def test_task_force_is_found_by_slug(api, task_forces):
    assert api.get("/api/v1/task-forces/textiles/").json()["number"] == 2


def test_secretariat_sets_the_coordinators_of_a_task_force(api, secretariat, task_forces):
    api.force_login(secretariat)

    response = api.patch("/api/v1/task-forces/smes/", {"coordinators": ["nigeria"]})

    assert response.status_code == 200
    assert list(TaskForce.objects.get(slug="smes").coordinators.values_list("slug", flat=True)) == [
        "nigeria"
    ]


def test_task_force_number_taken_answers_400(api, secretariat, task_forces):
    api.force_login(secretariat)

    response = api.patch("/api/v1/task-forces/smes/", {"number": 2})

    assert field_errors(response, "number")
    assert TaskForce.objects.get(slug="smes").number == 1


def test_focal_point_cannot_change_a_task_force(api, nigeria_focal, task_forces):
    api.force_authenticate(nigeria_focal)

    assert api.patch("/api/v1/task-forces/smes/", {"status": "dissolved"}).status_code == 403
    assert TaskForce.objects.get(slug="smes").status == "active"

from taskforces.models import TaskForce
from tests.factories import TaskForceFactory


def test_task_force_reads_as_its_full_name():
    assert str(TaskForceFactory.build(name="Tourism")) == "Task Force on Tourism"


def test_task_forces_are_listed_by_number(db):
    third = TaskForceFactory(number=3)
    first = TaskForceFactory(number=1)
    second = TaskForceFactory(number=2)

    assert list(TaskForce.objects.all()) == [first, second, third]


def test_task_force_may_have_several_coordinator_states(nigeria, turkiye):
    task_force = TaskForceFactory()
    task_force.coordinators.add(nigeria, turkiye)

    assert set(task_force.coordinators.all()) == {nigeria, turkiye}


def test_task_force_may_have_no_coordinator_yet(db):
    assert not TaskForceFactory().coordinators.exists()


def test_coordinator_state_knows_the_task_forces_it_coordinates(nigeria, turkiye):
    coordinated = TaskForceFactory()
    coordinated.coordinators.add(nigeria)
    TaskForceFactory().coordinators.add(turkiye)

    assert list(nigeria.coordinated_task_forces.all()) == [coordinated]

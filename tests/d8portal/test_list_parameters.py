"""Property: no text in any search or filter parameter of any list page or API list is a 5xx.

Each text (the hostile ones listed, then ones Hypothesis draws: arbitrary Unicode, or query
syntax repeated) goes to every parameter of every list, one parameter at a time, as the
Secretariat, who sees every list. The API's
lists and their parameters are read from the router; the pages' from their filter forms.
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actionplans.forms import MyItemsFilterForm
from d8portal.api import router
from knowledge.forms import CatalogueFilterForm
from meetings.forms import MeetingFilterForm
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    BestPracticeFactory,
    MeetingFactory,
    OpenConsultationFactory,
)

PAGE_PARAMETERS = ["page"]
LIST_PAGES = {
    "/meetings/": [*MeetingFilterForm.base_fields, *PAGE_PARAMETERS],
    "/action-items/": [*MyItemsFilterForm.base_fields, *PAGE_PARAMETERS],
    "/best-practices/": [*CatalogueFilterForm.base_fields, *PAGE_PARAMETERS],
    "/consultations/": PAGE_PARAMETERS,
    "/exchanges/": PAGE_PARAMETERS,
}


def api_list_parameters(viewset):
    filterset = getattr(viewset, "filterset_class", None)
    parameters = [*(filterset.base_filters if filterset else [])]
    if getattr(viewset, "search_fields", None):
        parameters.append("search")
    return [*parameters, "ordering", "page", "page_size"]


API_LISTS = {
    f"/api/v1/{prefix}/": api_list_parameters(viewset)
    for prefix, viewset, _ in router.registry
    if hasattr(viewset, "list")
}
LISTS = {**LIST_PAGES, **API_LISTS}

# Run every time, before the generated texts: values probes have found or that break parsers.
HOSTILE = [
    "-" * 40,  # negations with nothing to negate overflow PostgreSQL's tsquery parser
    "- " * 40,
    "\x00",
    "x" * 5000,
    "' OR 1=1 --",
    "%_\\",
    "9" * 30,
    "2026-02-30",
    "-pk,__all__",
    "\ud7ff\ue000\U0010ffff",
]
# Text as a hostile client sends it: arbitrary Unicode, or a short piece of query syntax
# repeated many times.
SYNTAX = "-\" !()&|:<'*%_,.x0é"
values = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda piece, times: piece * times,
        st.text(alphabet=SYNTAX, min_size=1, max_size=3),
        st.integers(min_value=1, max_value=100),
    ),
)


def with_hostile_examples(test):
    for text in HOSTILE:
        test = example(text=text)(test)
    return test


@pytest.fixture
def records(nigeria, turkiye, smedan, nigeria_focal):
    meeting = MeetingFactory(host_state=nigeria)
    AttendanceFactory(meeting=meeting, state=turkiye)
    ActionItemFactory(lead_state=nigeria)
    BestPracticeFactory(state=nigeria, body=smedan)
    OpenConsultationFactory(states=[nigeria, turkiye])


def test_every_list_is_covered_with_its_parameters():
    assert len(API_LISTS) == len(router.registry)
    assert "search" in API_LISTS["/api/v1/meetings/"]
    assert "q" in API_LISTS["/api/v1/best-practices/"]
    assert "q" in LIST_PAGES["/best-practices/"]


@pytest.mark.slow  # a fuzzer: some 2,000 requests
@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=values)
@with_hostile_examples
def test_no_text_in_any_list_parameter_is_a_server_error(
    client, secretariat, records, django_settings_for_fuzzing, text
):
    client.force_login(secretariat)
    for path, parameters in LISTS.items():
        for name in parameters:
            status = client.get(path, {name: text}).status_code
            assert status < 500, f"{path}?{name}= answered {status} to {text!r}"


@pytest.fixture
def django_settings_for_fuzzing(settings):
    settings.API_THROTTLE_USER = "1000000/minute"
    settings.API_THROTTLE_ANON = "1000000/minute"
    return settings

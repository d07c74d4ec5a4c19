"""Best practices API: who reads which practice, the catalogue's filters and search (any input
answers 200 or 400), focal points' drafts for their own state only, and query counts."""

import pytest

from knowledge.models import BestPractice, Pillar
from tests.api_helpers import field_errors, queries_for
from tests.factories import BestPracticeFactory, MeetingFactory, SMEBodyFactory, ThemeFactory

from .conftest import Status

pytestmark = pytest.mark.django_db

URL = "/api/v1/best-practices/"


def detail_url(practice):
    return f"{URL}{practice.pk}/"


def titles(response):
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def stored():
    """Every practice as stored, to show that nothing changed."""
    return sorted(BestPractice.objects.values_list("pk", "state_id", "status", "title", "summary"))


def a_draft(**changes):
    return {
        "title": "Export coaching for SMEs",
        "instrument": "programme",
        "summary": "Coaching for first exporters.",
        "description": "Advisers coach small firms through their first export order.",
        **changes,
    }


@pytest.fixture
def practices(nigerian_practice, nigerian_draft, turkish_practice, unpublished_turkish):
    return {"unpublished_turkish": unpublished_turkish}


# --- Reading ------------------------------------------------------------------------------------


def test_anonymous_readers_get_published_practices_only(api, practices):
    assert titles(api.get(URL)) == {"Micro-finance for SMEs", "SME financing model"}


def test_focal_point_also_reads_own_states_drafts_but_no_other_states(
    api, nigeria_focal, practices
):
    api.force_authenticate(nigeria_focal)

    assert titles(api.get(URL)) == {
        "Micro-finance for SMEs",
        "Recycling of waste by small enterprises",
        "SME financing model",
    }
    for practice in practices["unpublished_turkish"].values():
        assert api.get(detail_url(practice)).status_code == 404


def test_secretariat_reads_every_practice(api, secretariat, practices):
    api.force_authenticate(secretariat)

    assert len(titles(api.get(URL))) == 7


def test_a_practice_is_read_at_its_address_with_its_records(api, nigerian_practice):
    theme = ThemeFactory(slug="finance")
    nigerian_practice.themes.add(theme)

    row = api.get(detail_url(nigerian_practice)).json()

    assert row["state"] == "nigeria"
    assert row["pillar"] == Pillar.ACCESS_TO_FINANCE
    assert row["themes"] == [theme.pk]
    assert row["status"] == "published"


# --- Filters and search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pillar=access_to_finance", {"Micro-finance for SMEs", "SME financing model"}),
        ("pillar=none", {"Practice without pillar"}),
        ("state=turkiye", {"SME financing model"}),
        ("instrument=training", {"Practice without pillar"}),
        ("year=2019", {"Micro-finance for SMEs"}),
        ("q=micro-finance banks", {"Micro-finance for SMEs"}),
        ('q="partner banks"', {"SME financing model"}),
        ("q=finance -loans", {"Micro-finance for SMEs"}),
        ("q=interest or micro-finance", {"Micro-finance for SMEs", "SME financing model"}),
        (
            "q=&pillar=&state=",
            {"Micro-finance for SMEs", "SME financing model", "Practice without pillar"},
        ),
    ],
)
def test_filters_and_search_are_the_catalogues(api, practices, query, expected):
    BestPractice.objects.filter(title="Micro-finance for SMEs").update(start_year=2019)
    BestPracticeFactory(title="Practice without pillar", pillar="", instrument="training")

    assert titles(api.get(f"{URL}?{query}")) == expected


def test_search_puts_the_best_match_first(api, practices):
    BestPracticeFactory(title="Micro-finance", summary="Loans.", description="Micro-finance.")

    rows = api.get(f"{URL}?q=micro-finance").json()["results"]

    assert rows[0]["title"] == "Micro-finance"


def test_search_does_not_show_other_states_drafts(api, nigeria_focal, practices):
    api.force_authenticate(nigeria_focal)

    assert titles(api.get(f"{URL}?q=turkish")) == set()
    assert titles(api.get(f"{URL}?state=turkiye")) == {"SME financing model"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("pillar=blue", "pillar"),
        ("state=atlantis", "state"),
        ("state=%00", "state"),
        ("instrument=loan", "instrument"),
        ("year=abc", "year"),
        ("year=1800", "year"),
        ("year=99999999999999999999", "year"),
        ("q=" + "a" * 10_000, "q"),
        ("q=a%00b", "q"),
    ],
)
def test_bad_filters_answer_400_naming_the_filter(api, practices, query, field):
    assert field_errors(api.get(f"{URL}?{query}"), field)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "&",
        "|",
        "!",
        "(",
        ")",
        ":*",
        "a & | b",
        "-",
        "or",
        '"unclosed phrase',
        "<->",
        "\\",
    ],
)
def test_search_with_any_operator_answers_200(api, practices, text):
    response = api.get(URL, {"q": text})

    assert response.status_code == 200, response.content


# --- Writing ------------------------------------------------------------------------------------


def test_focal_point_creates_a_draft_for_their_own_state(api, nigeria_focal, smedan, nigeria):
    api.force_authenticate(nigeria_focal)
    meeting = MeetingFactory()

    response = api.post(URL, a_draft(pillar="digital_transformation", meetings=[meeting.pk]))

    assert response.status_code == 201, response.content
    practice = BestPractice.objects.get(pk=response.json()["id"])
    assert (practice.state, practice.body, practice.status) == (nigeria, smedan, Status.DRAFT)
    assert practice.created_by == nigeria_focal
    assert list(practice.meetings.all()) == [meeting]
    assert response.json()["state"] == "nigeria"


def test_a_draft_may_name_its_own_state(api, nigeria_focal):
    api.force_authenticate(nigeria_focal)

    assert api.post(URL, a_draft(state="nigeria")).status_code == 201


def test_focal_point_cannot_create_for_another_state(api, nigeria_focal, turkiye, kosgeb):
    api.force_authenticate(nigeria_focal)
    before = stored()

    assert api.post(URL, a_draft(state="turkiye")).status_code == 403
    assert field_errors(api.post(URL, a_draft(body=kosgeb.pk)), "body")
    assert stored() == before


@pytest.mark.parametrize("user", ["secretariat", "anonymous"])
def test_only_focal_points_create(api, request, user, smedan):
    if user != "anonymous":
        api.force_authenticate(request.getfixturevalue(user))

    response = api.post(URL, a_draft(body=smedan.pk))

    assert response.status_code in {401, 403}
    assert not BestPractice.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"summary": ""}, "summary"),
        ({"instrument": "loan"}, "instrument"),
        ({"start_year": 1800}, "start_year"),
        ({"themes": [2_000_000]}, "themes"),
        ({"contact": 99_999_999_999}, "contact"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_bad_drafts_answer_400_and_save_nothing(api, nigeria_focal, changes, field):
    api.force_authenticate(nigeria_focal)

    assert field_errors(api.post(URL, a_draft(**changes)), field)
    assert not BestPractice.objects.exists()


def test_focal_point_changes_own_draft(api, nigeria_focal, nigerian_draft):
    api.force_authenticate(nigeria_focal)

    response = api.patch(detail_url(nigerian_draft), {"title": "Recycling by small firms"})

    assert response.status_code == 200, response.content
    nigerian_draft.refresh_from_db()
    assert nigerian_draft.title == "Recycling by small firms"
    assert nigerian_draft.pillar == Pillar.GREEN_TRANSITION  # what was not sent is kept


def test_focal_point_changes_a_returned_practice(api, nigeria_focal, nigeria, smedan):
    returned = BestPracticeFactory(state=nigeria, body=smedan, status=Status.RETURNED)
    api.force_authenticate(nigeria_focal)

    response = api.patch(detail_url(returned), {"results": "120 firms exported."})

    assert response.status_code == 200, response.content
    assert response.json()["results"] == "120 firms exported."


def test_focal_point_cannot_change_another_states_practices(
    api, nigeria_focal, practices, turkish_practice
):
    api.force_authenticate(nigeria_focal)
    before = stored()

    for practice in practices["unpublished_turkish"].values():
        assert api.patch(detail_url(practice), {"title": "Taken"}).status_code == 404
    assert api.patch(detail_url(turkish_practice), {"title": "Taken"}).status_code == 403
    assert api.patch(f"{URL}999999/", {"title": "Taken"}).status_code == 404
    assert stored() == before


def test_a_draft_cannot_move_to_another_state(api, nigeria_focal, nigerian_draft, kosgeb):
    api.force_authenticate(nigeria_focal)
    before = stored()

    assert api.patch(detail_url(nigerian_draft), {"state": "turkiye"}).status_code == 403
    assert field_errors(api.patch(detail_url(nigerian_draft), {"body": kosgeb.pk}), "body")
    assert stored() == before


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.PUBLISHED, Status.ARCHIVED])
def test_practices_with_the_secretariat_are_not_changed(
    api, nigeria_focal, nigeria, smedan, status
):
    practice = BestPracticeFactory(state=nigeria, body=smedan, status=status)
    api.force_authenticate(nigeria_focal)
    before = stored()

    assert api.patch(detail_url(practice), {"title": "Changed"}).status_code == 409
    assert stored() == before


def test_secretariat_does_not_write_practices_here(api, secretariat, nigerian_draft):
    api.force_authenticate(secretariat)

    assert api.patch(detail_url(nigerian_draft), {"title": "Changed"}).status_code == 403


def test_practices_are_neither_replaced_nor_deleted(api, nigeria_focal, nigerian_draft):
    api.force_authenticate(nigeria_focal)

    assert api.put(detail_url(nigerian_draft), a_draft()).status_code == 405
    assert api.delete(detail_url(nigerian_draft)).status_code == 405
    assert BestPractice.objects.filter(pk=nigerian_draft.pk).exists()


# --- Query counts -------------------------------------------------------------------------------


def a_practice_with_records(state):
    practice = BestPracticeFactory(state=state, body=SMEBodyFactory(state=state))
    practice.themes.add(ThemeFactory())
    practice.meetings.add(MeetingFactory())
    return practice


@pytest.mark.parametrize("reader", ["anonymous", "nigeria_focal", "secretariat"])
@pytest.mark.parametrize("query", ["", "?q=practice&pillar=none"])
def test_list_queries_do_not_grow_with_the_rows(api, request, reader, query, nigeria, turkiye):
    if reader != "anonymous":
        api.force_authenticate(request.getfixturevalue(reader))
    url = f"{URL}{query or '?'}&page_size=100"
    for _ in range(2):
        a_practice_with_records(nigeria)
        BestPracticeFactory(state=turkiye, status=Status.DRAFT)
    small, rows_small = queries_for(api, url)
    for _ in range(15):
        a_practice_with_records(nigeria)
        BestPracticeFactory(state=turkiye, status=Status.DRAFT)
    large, rows_large = queries_for(api, url)

    assert rows_large >= rows_small + 15
    assert large == small

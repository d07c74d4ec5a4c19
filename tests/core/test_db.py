"""Database helpers: the cleaning of the text typed into a full-text search, shared by every
catalogue, and IN subqueries PostgreSQL runs first."""

import pytest
from django.db.models import F

from core.db import InRunFirst, websearch_text
from memberstates.models import MemberState, SMEBody
from tests.factories import MemberStateFactory, SMEBodyFactory


def test_spaces_are_collapsed_and_the_text_trimmed():
    assert websearch_text("  solar \t\n energy  ", 200) == "solar energy"


def test_a_hyphen_before_a_word_is_kept_to_leave_the_word_out():
    assert websearch_text("credit -unions", 200) == "credit -unions"
    assert websearch_text("e-commerce", 200) == "e-commerce"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("-" * 40, ""),
        ("- " * 40, ""),
        ("credit " + "-" * 40 + "unions", "credit -unions"),
        ("e-commerce - - -", "e-commerce"),
        ("a -! b", "a ! b"),
    ],
)
def test_hyphens_that_negate_nothing_are_dropped(text, cleaned):
    assert websearch_text(text, 200) == cleaned


def test_quotes_and_or_are_left_to_the_parser():
    assert websearch_text('"solar energy" or wind', 200) == '"solar energy" or wind'


def test_the_text_is_cut_to_the_maximum_length():
    assert websearch_text("word " * 100, 20) == "word word word word"


def test_a_cut_leaves_no_hyphen_at_the_end():
    assert websearch_text("abcd -efgh", 6) == "abcd"


def test_a_long_run_of_spaces_is_cleaned_on_a_bounded_prefix():
    assert websearch_text("a" + " " * 1_000_000 + "b", 200) == "a"


@pytest.mark.django_db
def test_in_run_first_finds_what_in_finds():
    asia = [MemberStateFactory(name=f"Asia {n}", iso_code=code) for n, code in enumerate("FR DE")]
    for state in [*asia, MemberStateFactory(name="Africa", iso_code="IT")]:
        SMEBodyFactory(state=state)
    states = MemberState.objects.filter(name__startswith="Asia")

    found = SMEBody.objects.filter(InRunFirst(F("state"), states.values("pk")))

    assert set(found) == set(SMEBody.objects.filter(state__in=states))
    assert "= ANY(ARRAY(SELECT" in str(found.query)


@pytest.mark.django_db
def test_in_run_first_of_a_list_of_values_is_a_plain_in():
    state = MemberStateFactory(iso_code="FR")
    body = SMEBodyFactory(state=state)

    found = SMEBody.objects.filter(InRunFirst(F("state"), [state.pk]))

    assert list(found) == [body]
    assert "ANY" not in str(found.query)

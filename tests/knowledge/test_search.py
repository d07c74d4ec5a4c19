"""Full-text search of practices: PostgreSQL's ranking and query syntax, the trigger-kept vector,
the GIN index, and the plain matching of the embedded SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from knowledge.models import BestPractice
from tests.factories import BestPracticeFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


def _found(text):
    return [p.title for p in BestPractice.objects.published().search(text)]


@pytest.fixture
def practices(nigeria, smedan):
    def make(title, summary="A practice.", description="How it works.", **kwargs):
        return BestPracticeFactory(
            state=nigeria,
            body=smedan,
            title=title,
            summary=summary,
            description=description,
            **kwargs,
        )

    return make


def test_a_title_match_ranks_above_a_single_mention_in_the_description(practices):
    practices(
        "Export readiness programme",
        description="Mentoring for exporters. Firms in a cluster may apply together.",
    )
    practices("Cluster development programme", description="Firms of one trade work together.")
    assert _found("cluster") == ["Cluster development programme", "Export readiness programme"]


def test_a_summary_match_ranks_above_a_description_match(practices):
    practices("Loans", description="Guarantees stand in for collateral.")
    practices("Grants", summary="Guarantees for first loans.")
    assert _found("guarantees") == ["Grants", "Loans"]


def test_search_finds_a_word_of_the_description_in_another_form(practices):
    practices("Workspace", description="Small firms share clustered workshops in industrial parks.")
    assert _found("cluster") == ["Workspace"]
    assert _found("parks industrial") == ["Workspace"]


def test_search_finds_the_results_and_the_states_and_bodys_names(practices):
    practices("Training", results="4,000 entrepreneurs trained in 2024.")
    assert _found("entrepreneurs") == ["Training"]
    assert _found("Nigeria") == ["Training"]
    assert _found("SMEDAN") == ["Training"]


def test_quotes_search_for_a_phrase_and_a_minus_leaves_a_word_out(practices):
    practices("Green loans", description="Credit for solar panels.")
    practices("Solar credit", description="Panels for credit unions.")
    assert _found('"solar panels"') == ["Green loans"]
    assert _found("credit -unions") == ["Green loans"]
    assert sorted(_found("unions or loans")) == ["Green loans", "Solar credit"]


@pytest.mark.parametrize(
    "text",
    [
        "the and of",
        "!!! ::: &&& ||",
        "'; DROP TABLE knowledge_bestpractice; --",
        "cluster:* & (a | !b)",
        '"unterminated',
        "\\",
        "x" * 10_000,
        # A run of negations with nothing to negate overflows PostgreSQL's tsquery stack.
        "-" * 33,
        "- " * 40,
        "-!" * 40,
        "-- " * 40,
        "a " + "-" * 100 + " b",
    ],
)
def test_any_search_text_answers_without_error(practices, text):
    practices("Cluster development programme")
    assert isinstance(_found(text), list)
    assert BestPractice.objects.count() == 1


def test_a_run_of_hyphens_before_a_word_still_leaves_the_word_out(practices):
    practices("Green loans", description="Credit for solar panels.")
    practices("Solar credit", description="Panels for credit unions.")
    assert _found("credit " + "-" * 40 + "unions") == ["Green loans"]
    assert _found("e-commerce - - -") == []


@pytest.mark.parametrize(
    "path",
    ["/best-practices/", "/api/v1/best-practices/", "/best-practices/compendium.pdf"],
)
def test_a_run_of_hyphens_answers_on_the_catalogue_the_api_and_the_compendium(
    client, practices, path
):
    practices("Cluster development programme")
    assert client.get(path, {"q": "-" * 40}).status_code == 200


def test_the_vector_follows_bulk_updates_that_bypass_the_model(practices):
    practice = practices("Old title")
    BestPractice.objects.filter(pk=practice.pk).update(title="Incubator network")
    assert _found("incubator") == ["Incubator network"]
    assert _found("old") == []


def test_unpublished_practices_are_searched_only_where_asked(practices):
    practices("Incubator drafts", status=BestPractice.Status.DRAFT)
    assert _found("incubator") == []
    assert BestPractice.objects.search("incubator").count() == 1


def test_the_search_vector_has_a_gin_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'best_practice_search'")
        [(definition,)] = cursor.fetchall()
    assert "USING gin (search_vector)" in definition


def test_the_search_condition_can_use_the_index(practices):
    practices("Cluster development programme")
    query = BestPractice.objects.search("cluster")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "best_practice_search" in plan


def test_embedded_sqlite_searches_by_plain_matching(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env["VAR_DIR"] = str(tmp_path)
    script = (
        "import datetime, django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.utils import timezone\n"
        "from knowledge.models import BestPractice\n"
        "from memberstates.models import MemberState, SMEBody\n"
        "call_command('migrate', verbosity=0)\n"
        "iran = MemberState.objects.create(name='Iran', slug='iran', iso_code='IR',"
        " joined_on=datetime.date(1997, 6, 15))\n"
        "isipo = SMEBody.objects.create(state=iran, name='Small industries', acronym='ISIPO')\n"
        "for title in ['SME cluster development programme', 'SME financing model']:\n"
        "    BestPractice.objects.create(state=iran, body=isipo, title=title, summary='s',"
        " description='d', instrument='programme', status='published',"
        " published_at=timezone.now())\n"
        "published = BestPractice.objects.published()\n"
        "print(sorted(p.title for p in published.search('cluster Iran')))\n"
        "print(published.search('\"; DROP TABLE x; --').count())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "d8portal.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["['SME cluster development programme']", "0"]


def test_a_word_of_nearly_every_practice_is_found_through_the_index(practices):
    # With the word's statistics PostgreSQL would read every row and its vector (from TOAST,
    # for a real description) to rank them; planned without them it reads the GIN index.
    practice = practices("Training programme", description="Training for small firms.")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO knowledge_bestpractice (state_id, body_id, title, pillar, instrument,
                summary, description, results, status, created_at, updated_at, published_at,
                return_comment)
            SELECT state_id, body_id, title || ' ' || g, pillar, instrument, summary,
                description, results, status, now(), now(), now(), ''
            FROM knowledge_bestpractice, generate_series(1, 3000) g WHERE id = %s
            """,
            [practice.pk],
        )
        # As autovacuum does: the index's pending entries merged, the planner's statistics taken.
        cursor.execute("SELECT gin_clean_pending_list('best_practice_search'::regclass)")
        cursor.execute("ANALYZE knowledge_bestpractice")

    found = BestPractice.objects.published().search("training")

    assert "best_practice_search" in found[:20].explain()  # the first page
    assert "best_practice_search" in found.order_by()[:1001].explain()  # the capped count

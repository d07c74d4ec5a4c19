"""Database rules that constraints cannot express, installed by migrations as triggers,
indexes that must work on both PostgreSQL and the embedded SQLite, the cleaning of the text
a visitor types into a full-text search, and the planner's statistics after a bulk write."""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, migrations
from django.db.models import Count, Index
from django.db.models.lookups import In


def forbid_update_trigger(table, *, when, message, sqlite_only=False):
    """A migration operation that makes the database refuse UPDATEs of rows matching `when`.

    `when` is an SQL condition on OLD (e.g. "OLD.status = 'final'"); both PostgreSQL and
    SQLite raise an integrity error, so a bypassed model method still cannot rewrite history.
    SQLite drops a table's triggers when a migration rebuilds the table: `sqlite_only=True`
    installs the trigger again there (if missing) and leaves PostgreSQL as it is.
    """
    name = f"{table}_forbid_update"

    def install(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            if sqlite_only:
                return
            schema_editor.execute(
                f"""
                CREATE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER {name} BEFORE UPDATE ON {table}
                    FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}();
                """
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"""
                CREATE TRIGGER IF NOT EXISTS {name} BEFORE UPDATE ON {table}
                    FOR EACH ROW WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END;
                """
            )
        else:
            raise ImproperlyConfigured(f"The portal runs on PostgreSQL or SQLite, not {vendor}.")

    def uninstall(apps, schema_editor):
        if sqlite_only:
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();")
        else:
            schema_editor.execute(f"DROP TRIGGER {name};")

    return migrations.RunPython(install, uninstall)


def search_vector_trigger(table, *, column, config, weighted):
    """A migration operation that keeps a tsvector column up to date on PostgreSQL.

    `weighted` is a list of (SQL text expression over NEW, weight A–D). A trigger, not a
    generated column, so that the expressions may read other tables (the state's name) and
    every write, bulk update or admin edit included, keeps the vector right. Other databases
    get nothing: the column stays empty and search falls back to plain matching.
    """
    name = f"{table}_{column}"
    parts = " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, coalesce({expression}, '')), '{weight}')"
        for expression, weight in weighted
    )

    def install(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"""
            CREATE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN
                NEW.{column} := {parts};
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {name}();
            """
        )
        # Rows already there get their vector from the trigger. Names come from the migration.
        schema_editor.execute(f"UPDATE {table} SET {column} = NULL")  # noqa: S608

    def uninstall(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();")

    return migrations.RunPython(install, uninstall)


class PortableGinIndex(GinIndex):
    """A GIN index on PostgreSQL; elsewhere (the embedded SQLite) a plain index, so that the
    same migrations, and SQLite's table rebuilds, run on both."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return Index.create_sql(self, model, schema_editor, using=using, **kwargs)


# The text search configuration of stored vectors (the migrations' triggers) and of queries:
# English stemming, so "clusters" finds "cluster".
SEARCH_CONFIG = "english"
# In a web search "-" before a word leaves the word out. A "-" before no word (a space, an
# operator sign, another "-", the end) negates nothing, and a run of them overflows PostgreSQL's
# query parser ("tsquery stack too small"): such hyphens are dropped before parsing.
STRAY_HYPHEN = re.compile(r"-(?=[\s!&|()<:-]|$)")


def websearch_text(text, max_length):
    """`text` as a web search to parse (websearch_to_tsquery): spaces collapsed, hyphens that
    negate nothing dropped, at most `max_length` characters; "" when nothing is left."""
    # Cleaned on a bounded prefix: a megabyte of spaces costs no more than a short text.
    text = " ".join(STRAY_HYPHEN.sub(" ", text[: max_length * 4]).split())[:max_length]
    # The cut may leave a hyphen at the end, negating nothing.
    return STRAY_HYPHEN.sub("", text).strip()


class WebSearchQuery(SearchQuery):
    """`text` as a web search ("quotes", or, -word) in SEARCH_CONFIG, passed to PostgreSQL as a
    sub-select.

    PostgreSQL computes a sub-select once, as a parameter whose value the planner does not read:
    it plans the match with the default selectivity of a text search, not the words' statistics.
    With them, a word found in most rows is planned as a read of every row, each row's full
    vector fetched from TOAST and matched; the GIN index finds the same rows reading no vector
    at all, several times faster (bench/knowledge_search.py). For a rare word both plans agree.
    """

    def __init__(self, text):
        super().__init__(text, config=SEARCH_CONFIG, search_type="websearch")

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        return f"(SELECT {sql})", params


class InRunFirst(In):
    """`field IN (subquery)`, which PostgreSQL runs once before the query, as an array, so that an
    index on the field can serve it: `InRunFirst(F("lead_state"), states.values("pk"))`.

    A plain IN subquery joined to another condition by OR is tested row by row (a hashed
    subplan), which reads the whole table; `= ANY(ARRAY(subquery))` lets PostgreSQL combine the
    two conditions' indexes (a BitmapOr). Elsewhere, and for a list of values, a plain IN.
    """

    def get_rhs_op(self, connection, rhs):
        if connection.vendor == "postgresql" and not self.rhs_is_direct_value():
            return f"= ANY(ARRAY{rhs})"
        return super().get_rhs_op(connection, rhs)


# Autovacuum analyses a table a minute or more after a bulk write; a query right after it would
# be planned for the table as it was (e.g. empty) and may take minutes instead of seconds.
BULK_WRITE_ROWS = 1000


def statistics_refreshed(model, *, rows_written):
    """Have PostgreSQL re-read the model's table statistics now when a statement has just
    written `rows_written` >= BULK_WRITE_ROWS rows, so the queries that follow are planned for
    what is there. Returns whether it did."""
    if connection.vendor != "postgresql" or rows_written < BULK_WRITE_ROWS:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True


def counts_by(queryset, field):
    """{value of `field`: number of rows} for the queryset, in one grouped query; rows whose
    field is empty (no related row) are not counted."""
    grouped = queryset.order_by().values_list(field).annotate(n=Count("pk"))
    return {value: n for value, n in grouped.values_list(field, "n") if value is not None}

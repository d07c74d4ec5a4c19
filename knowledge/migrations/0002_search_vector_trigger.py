"""Keep BestPractice.search_vector up to date on PostgreSQL: title weighs most (A), then the
summary (B), the description and results (C), and the state's and body's names (D)."""

from django.db import migrations

from core.db import search_vector_trigger


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        search_vector_trigger(
            "knowledge_bestpractice",
            column="search_vector",
            config="english",
            weighted=[
                ("NEW.title", "A"),
                ("NEW.summary", "B"),
                ("NEW.description", "C"),
                ("NEW.results", "C"),
                (
                    "(SELECT s.name FROM memberstates_memberstate s WHERE s.id = NEW.state_id)",
                    "D",
                ),
                (
                    "(SELECT b.name || ' ' || b.acronym FROM memberstates_smebody b"
                    " WHERE b.id = NEW.body_id)",
                    "D",
                ),
            ],
        )
    ]

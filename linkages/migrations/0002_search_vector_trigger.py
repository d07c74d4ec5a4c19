"""Keep Opportunity.search_vector up to date on PostgreSQL: the title weighs most (A), then the
description (B), the location (C), and the state's and body's names (D)."""

from django.db import migrations

from core.db import search_vector_trigger


class Migration(migrations.Migration):
    dependencies = [("linkages", "0001_initial")]

    operations = [
        search_vector_trigger(
            "linkages_opportunity",
            column="search_vector",
            config="english",
            weighted=[
                ("NEW.title", "A"),
                ("NEW.description", "B"),
                ("NEW.location", "C"),
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

from django.db import migrations

from core.db import forbid_update_trigger

# A migration after 0002 rebuilt the table on SQLite, which dropped its trigger there; put it
# back (PostgreSQL kept it).


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0013_progress_update_reported_at")]

    operations = [
        forbid_update_trigger(
            "actionplans_progressupdate",
            when="1 = 1",
            message="progress updates are never edited after the fact",
            sqlite_only=True,
        )
    ]

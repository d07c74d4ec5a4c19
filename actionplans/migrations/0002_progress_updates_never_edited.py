from django.db import migrations

from core.db import forbid_update_trigger


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0001_initial")]

    operations = [
        forbid_update_trigger(
            "actionplans_progressupdate",
            when="1 = 1",
            message="progress updates are never edited after the fact",
        )
    ]

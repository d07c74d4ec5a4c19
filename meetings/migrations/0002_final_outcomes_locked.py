from django.db import migrations

from core.db import forbid_update_trigger


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [
        forbid_update_trigger(
            "meetings_outcome",
            when="OLD.status = 'final'",
            message="final outcomes are locked; record a correction instead",
        )
    ]

import django.utils.timezone
from django.db import migrations, models

# Only Django's state changes: the column stays as it is (Django keeps defaults out of the
# database). Altering it on SQLite would rebuild the table, dropping the trigger that refuses
# UPDATEs of progress updates.


def created_at():
    return models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)


class Migration(migrations.Migration):
    dependencies = [("actionplans", "0012_pending_notices_schedule")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalprogressupdate", name="created_at", field=created_at()
                ),
                migrations.AlterField(
                    model_name="progressupdate", name="created_at", field=created_at()
                ),
            ]
        )
    ]

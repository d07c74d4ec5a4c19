"""The API token model now lives in accounts (same table): d8portal forgets it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("d8portal", "0006_secretariat_knowledge_permissions"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("ApiToken")]),
    ]

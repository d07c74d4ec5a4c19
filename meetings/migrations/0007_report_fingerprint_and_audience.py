import django.db.models.deletion
from django.db import migrations, models


def forget_stored_reports(apps, schema_editor):
    # Reports stored before fingerprints were kept carry the date they were rendered and
    # delegates' names for every reader: none of them can be served as current again.
    from django.core.files.storage import default_storage

    MeetingReport = apps.get_model("meetings", "MeetingReport")
    for name in MeetingReport.objects.values_list("file", flat=True):
        if name:
            default_storage.delete(name)
    MeetingReport.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_partner_meeting_kinds"),
    ]

    operations = [
        migrations.RunPython(forget_stored_reports, migrations.RunPython.noop),
        migrations.CreateModel(
            name="MeetingReportFingerprint",
            fields=[
                (
                    "meeting",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="report_fingerprint",
                        serialize=False,
                        to="meetings.meeting",
                    ),
                ),
                ("fingerprint", models.CharField(max_length=32)),
                (
                    "changed_at",
                    models.DateTimeField(
                        help_text="When the records the report shows last changed."
                    ),
                ),
                (
                    "render_requested_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="A render asked for by a reader and not yet done.",
                        null=True,
                    ),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="meetingreport",
            name="meeting",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reports",
                to="meetings.meeting",
            ),
        ),
        migrations.AddField(
            model_name="meetingreport",
            name="audience",
            field=models.CharField(
                choices=[("public", "Visitors"), ("signed_in", "Signed-in readers")],
                default="signed_in",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="meetingreport",
            name="report_date",
            field=models.DateField(
                default="2000-01-01", help_text="The date of the last change the report shows."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="meetingreport",
            name="current_through",
            field=models.DateField(
                blank=True,
                help_text="The last day before an item the report shows falls overdue.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="meetingreport",
            name="fingerprint",
            field=models.CharField(
                help_text="The fingerprint of the meeting's records the report shows.",
                max_length=64,
            ),
        ),
        migrations.AddConstraint(
            model_name="meetingreport",
            constraint=models.UniqueConstraint(
                fields=("meeting", "audience"), name="one_meeting_report_per_audience"
            ),
        ),
    ]

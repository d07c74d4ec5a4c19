"""The themes of SME policy named in the D-8 record (the 2014 Abuja recommendations, the 9th
meeting's national interventions) and on the SME Ministerial platform. The Secretariat adds
others in the admin."""

from django.db import migrations

THEMES = [
    ("access-to-markets", "Access to markets"),
    ("business-linkages", "Business linkages"),
    ("capacity-building", "Capacity building"),
    ("clusters", "Clusters"),
    ("formalization", "Formalization"),
    ("inclusive-entrepreneurship", "Inclusive entrepreneurship"),
    ("industrial-parks", "Industrial parks"),
    ("innovation", "Innovation"),
    ("internationalization", "Internationalization"),
    ("microfinance", "Microfinance"),
    ("statistics", "SME statistics and data"),
]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("knowledge", "Theme")
    for slug, name in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_vector_trigger")]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]

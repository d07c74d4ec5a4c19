"""Print PostgreSQL's plan of the queries behind the busiest lists, to show their indexes used.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/d8portal_tenyears .venv/bin/python bench/explain.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from actionplans.models import ActionItem, ProgressUpdate  # noqa: E402
from knowledge.models import BestPractice  # noqa: E402

focal_point = get_user_model().objects.get(username="focal.nigeria")
busiest = (
    ProgressUpdate.objects.values("item").order_by().annotate(n=django.db.models.Count("pk"))
).order_by("-n")[0]["item"]
QUERIES = {
    "my items, first page (focal point)": ActionItem.objects.visible_to(focal_point).order_by(
        "due_date", "pk"
    )[:25],
    "my items, counted by status (focal point)": ActionItem.objects.visible_to(focal_point)
    .order_by()
    .values("status")
    .annotate(n=django.db.models.Count("pk")),
    "an item's history, first page": ProgressUpdate.objects.filter(item=busiest)[:20],
    "catalogue, first page": BestPractice.objects.published().without_vector()[:20],
}
# The catalogue's search as CappedPaginator runs it: the capped count, then the page's keys (the
# ranking), then the page's rows by key.
for word in ["training", "guarantee"]:
    found = BestPractice.objects.published().search(word).for_listing()
    keys = list(found.values_list("pk", flat=True)[:20])
    QUERIES |= {
        f"catalogue, search for {word!r}: the count, capped": found.order_by().values("pk")[:1001],
        f"catalogue, search for {word!r}: the first page's keys": found.values("pk")[:20],
        f"catalogue, search for {word!r}: the first page's rows": found.order_by().filter(
            pk__in=keys
        ),
    }
print(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
for name, queryset in QUERIES.items():
    print(f"== {name}")
    print(queryset.explain(analyze=True))
    print()

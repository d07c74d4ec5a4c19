"""The weight of pages as one reader gets them, on a database it names (the ten-year data set):
bytes, median time of 5 in-process requests (Django's test client), queries and checkboxes.

    .venv/bin/python bench/page_weight.py d8portal_tenyears focal.nigeria /best-practices/new/
    .venv/bin/python bench/page_weight.py d8portal_tenyears secretariat /admin/
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{sys.argv[1]}"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main():
    client = Client()
    client.force_login(get_user_model().objects.get(username=sys.argv[2]))
    for path in sys.argv[3:]:
        seconds = []
        for _ in range(5):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            seconds.append(time.perf_counter() - started)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        checkboxes = content.count(b'type="checkbox"')
        print(
            f"{path} ({sys.argv[2]}): {response.status_code}, {len(content):,} bytes, "
            f"{statistics.median(seconds) * 1000:.0f} ms, {len(queries)} queries, "
            f"{checkboxes:,} checkboxes"
        )


if __name__ == "__main__":
    main()

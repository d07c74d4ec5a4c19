import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")

app = Celery("d8portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

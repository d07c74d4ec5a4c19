import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "d8portal.settings")

application = get_wsgi_application()

# What the worker loaded to start (Django, the apps, their modules) lives as long as it does:
# kept out of the garbage collector's full passes, which otherwise walk it all every few
# requests that build many objects (a page of meetings with their outcomes: 120 ms pauses,
# bench/README.md).
gc.freeze()

"""The error pages in the portal's layout, with the reason and a way on — with DEBUG on too.

Django shows its own debug page for a missing page when DEBUG is on (as in `make run`); the
middleware below serves the portal's page instead, so people trying the demo see what
production shows. A server error keeps Django's debug page with DEBUG on: a developer needs it.
"""

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", {"path": request.path}, status=404)


@requires_csrf_token
def permission_denied(request, exception=None):
    # The view's own explanation ("This page is for focal points.") is the reason shown.
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


@requires_csrf_token
def server_error(request):
    # No request context: the context processors read the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render({}))


class ErrorPagesMiddleware:
    """With DEBUG on, a missing page gets the portal's 404 page instead of Django's URL list."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        unresolved = getattr(request, "resolver_match", None) is None
        if settings.DEBUG and response.status_code == 404 and unresolved:
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None

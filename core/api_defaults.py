"""The classes settings.REST_FRAMEWORK names: how often, in what order, in what pages. DRF loads
them while its views load, so this module imports no view."""

from django.conf import settings
from rest_framework import filters, renderers
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.clientip import client_ip


class AnonThrottle(AnonRateThrottle):
    # Read per request, so the rate follows the settings (and tests can change it).
    def get_rate(self):
        return settings.API_THROTTLE_ANON

    def get_ident(self, request):
        # The address by the trusted proxies, as for login lock-out: a client cannot pick a new
        # one per request with X-Forwarded-For.
        return client_ip(request)


class UserThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.API_THROTTLE_USER

    def get_ident(self, request):
        return client_ip(request)


class Ordering(filters.OrderingFilter):
    """`?ordering=` with the id as the last key, so pages never overlap or skip rows."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return [*ordering, "pk"] if ordering else ordering


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML pages for people exploring the API in a browser.

    Its templates place a few buttons with style attributes; these pages alone allow inline
    style attributes. Scripts and style sheets still come from the portal only (without the
    inline <style> of code highlighting: descriptions here have no code).
    """

    def get_context(self, data, accepted_media_type, renderer_context):
        return {
            **super().get_context(data, accepted_media_type, renderer_context),
            "code_style": None,
        }

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context["response"]._csp_update = {"style-src-attr": ["'unsafe-inline'"]}
        return super().render(data, accepted_media_type, renderer_context)

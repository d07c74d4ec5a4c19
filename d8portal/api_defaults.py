"""The classes settings.REST_FRAMEWORK names: who may call the API, how often, in what order
and in what pages. DRF loads them while its views load, so this module imports no view."""

from django.conf import settings
from rest_framework import exceptions, filters, renderers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .models import ApiToken


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` with a personal API token."""

    keyword = "Bearer"

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Give the token after “Bearer ”, with no spaces.")
        try:
            secret = words[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        token = ApiToken.find(secret)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired.")
        token.record_use()
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class SecretariatWritesOrReadOnly(DjangoModelPermissions):
    """Reading is decided by each viewset's queryset; writing needs a Secretariat account
    holding the model permission, as in the admin."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return request.user.is_staff and super().has_permission(request, view)


class AnonThrottle(AnonRateThrottle):
    # Read per request, so the rate follows the settings (and tests can change it).
    def get_rate(self):
        return settings.API_THROTTLE_ANON


class UserThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.API_THROTTLE_USER


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

"""The API's door: personal tokens as `Authorization: Bearer`, and who may write. DRF loads these
classes from settings.REST_FRAMEWORK while its views load, so this module imports no view."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions

from .models import ApiToken
from .roles import is_secretariat


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
        return is_secretariat(request.user) and super().has_permission(request, view)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created at /accounts/tokens/.",
        }

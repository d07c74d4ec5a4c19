"""What every app's API shares: errors as 400/409 answers, model validation for serializers,
the base viewset, and the schema of the portal's own fields."""

import copy

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def iso_date_filter(**kwargs):
    """A date as YYYY-MM-DD only: other written forms are ambiguous between countries."""
    return django_filters.DateFilter(input_formats=["%Y-%m-%d"], **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(django_filters.TypedChoiceFilter):
    """`true` or `false`; anything else answers 400 instead of being ignored."""

    def __init__(self, **kwargs):
        choices = [("true", "true"), ("false", "false")]
        super().__init__(choices=choices, coerce=lambda value: value == "true", **kwargs)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with the stored records; nothing was saved."
    default_code = "conflict"


def validation_error(exc):
    """A Django ValidationError as DRF's, field by field, with non-field errors under DRF's key."""
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    """Rules the models and services enforce answer 400 (or 409 for a lost race), never 500."""
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    return drf_exception_handler(exc, context)


class ModelCleanSerializer(serializers.ModelSerializer):
    """Validates with the model's own `full_clean`, so the API keeps the rules the admin keeps."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        many_to_many = {field.name for field in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return attrs


class SlugRelatedField(serializers.SlugRelatedField):
    """A related record by a unique name; a NUL character (which PostgreSQL refuses in text)
    is answered as "no such record" instead of reaching the database."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class SignedInOnlyCharField(serializers.CharField):
    """Text shown to signed-in readers only (names of people); null for anonymous ones."""

    def get_attribute(self, instance):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return None
        return super().get_attribute(instance)


class SignedInOnlyCharFieldSchema(OpenApiSerializerFieldExtension):
    target_class = SignedInOnlyCharField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["nullable"] = True
        return schema


class PortalViewSet(viewsets.ModelViewSet):
    """Read for whoever the queryset allows, create and change for the Secretariat.

    Nothing is deleted through the API: records are referenced by history and by each other.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

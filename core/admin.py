"""Admin helpers every app uses."""

from .uploads import TooLargeUploadsFormMixin


class ReadOnlyAdminMixin:
    """For records the portal writes itself (progress posted by focal points, the reminder log):
    the Secretariat reads them in the admin and cannot add, change or delete them there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TooLargeUploadsAdminMixin:
    """Forms and inline forms of this admin report the files the upload guard skipped as too
    large (core.uploads), instead of saving the record without them."""

    def _reporting_too_large(self, form, request):
        too_large = frozenset(getattr(request, "too_large_uploads", ()))
        return type(form.__name__, (TooLargeUploadsFormMixin, form), {"too_large": too_large})

    def get_form(self, request, obj=None, **kwargs):
        return self._reporting_too_large(super().get_form(request, obj, **kwargs), request)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = self._reporting_too_large(formset.form, request)
        return formset

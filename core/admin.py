"""Admin helpers every app uses."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

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


class PreloadedAutocompleteMixin:
    """An autocomplete box that names its selected options from `labels` ({key: label}), read
    once for a page of many such boxes (an inline's rows), instead of one query per box."""

    labels = None

    def optgroups(self, name, value, attr=None):
        if self.labels is None:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in (str(v) for v in value if str(v) not in self.choices.field.empty_values):
            if key in self.labels:
                options.append(self.create_option(name, key, self.labels[key], True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    pass

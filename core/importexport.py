"""Admin import and export in CSV and XLSX, all or nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export import resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from core.spreadsheets import formula_restored, formula_safe


class AllOrNothingImportExportAdmin(ImportExportModelAdmin):
    """Import with a preview; a file with any bad row imports nothing and names each one.

    The preview is a dry run in a rolled-back transaction and offers no confirmation while any
    row has errors; the confirmed import rolls back too if a row has become invalid meanwhile.
    """

    formats = [CSV, XLSX]

    def get_import_data_kwargs(self, **kwargs):
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: the file no longer passes validation. "
                "Import it again to see which rows are wrong.",
            )
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a unique natural key; an unknown key is a field error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            name = self.model._meta.verbose_name
            key = self.model._meta.get_field(self.field).verbose_name
            raise ValueError(f"No {name} has {key} “{value}”.") from None


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Several related records by natural key, separated by commas; unknown keys are errors."""

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row, **kwargs)
        if value:
            keys = {key.strip() for key in str(value).split(self.separator) if key.strip()}
            known = {str(getattr(obj, self.field)) for obj in found}
            if unknown := sorted(keys - known):
                name = self.model._meta.verbose_name_plural
                key = self.model._meta.get_field(self.field).verbose_name
                raise ValueError(f"No {name} with {key} {', '.join(unknown)}.")
        return found


class StrictModelResource(resources.ModelResource):
    """Validates every field of a row, many-to-many ones included, before anything is saved.

    Exports never carry a live formula (core.spreadsheets), and an exported file imports back
    as it was typed.
    """

    def export_field(self, field, instance, **kwargs):
        return formula_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        for key, value in row.items():
            row[key] = formula_restored(value)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.error_dict)
        # The library sets many-to-many fields only after saving: check them here too.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        if errors:
            raise ValidationError(errors)

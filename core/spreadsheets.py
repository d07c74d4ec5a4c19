"""Text people typed, written to a spreadsheet (CSV or XLSX), is never taken as a formula.

Every export goes through `formula_safe`: admin import/export resources
(core.importexport.StrictModelResource) and the workbooks the portal builds itself.
"""

import re

# A cell a spreadsheet program evaluates: it starts with =, +, -, @, or a tab or carriage return
# (OWASP, "CSV injection"), leading spaces allowed. A number or telephone number typed with a
# sign ("+90 312 555 0000", "-12.5") is data, not a formula, and stays as it is.
FORMULA_START = re.compile(r"^\s*[=+\-@\t\r]")
SIGNED_NUMBER = re.compile(r"^\s*[+\-][\d\s().\-/]*$")
ESCAPE = "'"


def formula_safe(value):
    """`value`, with a leading apostrophe when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and FORMULA_START.match(value) and not SIGNED_NUMBER.match(value):
        return ESCAPE + value
    return value


def formula_restored(value):
    """The text `formula_safe` escaped, as typed: an exported file imports unchanged."""
    if isinstance(value, str) and value.startswith(ESCAPE):
        unescaped = value[len(ESCAPE) :]
        if formula_safe(unescaped) == value:
            return unescaped
    return value

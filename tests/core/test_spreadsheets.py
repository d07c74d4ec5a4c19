import pytest

from core.spreadsheets import formula_restored, formula_safe


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://evil.example")', "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)"]
    + ["\t=1", "\r=1", "  =1"],
)
def test_text_a_spreadsheet_would_evaluate_is_escaped_and_restored(text):
    assert formula_safe(text) == "'" + text
    assert formula_restored(formula_safe(text)) == text


@pytest.mark.parametrize(
    "value", ["Head of unit", "+90 312 555 00 00", "-12.5", "", "'quoted", 42, None]
)
def test_plain_values_pass_unchanged_both_ways(value):
    assert formula_safe(value) == value
    assert formula_restored(value) == value

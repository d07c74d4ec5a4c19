"""People read a date in one format, "29 April 2026" (DATE_FORMAT "j F Y", with ", H:i" for a
time); ISO dates only where machines read them: a <time datetime>, a document's metadata."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest

from core.clock import long_date

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORMAT = re.compile(r"""\|(?:date|time):(["'])(?P<format>.*?)\1""")
FOR_PEOPLE = {"j F Y", "j F Y, H:i", "Y"}
FOR_MACHINES = {"c", "Y-m-d"}
MACHINE_PLACE = re.compile(r"""(datetime|content)=["'][^"']*$""")


def date_formats():
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for match in FORMAT.finditer(text):
                before = text[: match.start()]
                where = f"{path.relative_to(TEMPLATES)}:{before.count(chr(10)) + 1}"
                yield where, match["format"], before


def test_templates_show_people_dates_in_the_one_format():
    strays = [
        f"{where}: {fmt}"
        for where, fmt, before in date_formats()
        if fmt not in FOR_PEOPLE and not (fmt in FOR_MACHINES and MACHINE_PLACE.search(before))
    ]
    assert strays == []


def test_the_check_finds_the_formats_it_forbids():
    found = list(FORMAT.finditer('{{ a|date:"j M Y" }} <time datetime="{{ a|date:\'c\' }}">'))
    assert [m["format"] for m in found] == ["j M Y", "c"]


@pytest.mark.parametrize(
    "value, shown",
    [
        (datetime.date(2026, 4, 29), "29 April 2026"),
        (datetime.date(2027, 2, 6), "6 February 2027"),
        # 22:30 UTC is already the next day in Istanbul, the Secretariat's calendar.
        (datetime.datetime(2026, 5, 28, 22, 30, tzinfo=zoneinfo.ZoneInfo("UTC")), "29 May 2026"),
    ],
)
def test_long_date_is_the_one_format(value, shown):
    assert long_date(value) == shown

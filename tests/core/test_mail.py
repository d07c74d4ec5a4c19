"""Every e-mail is a template triplet whose bodies extend the e-mail base templates."""

from pathlib import Path

import pytest

EMAILS = Path(__file__).resolve().parent.parent.parent / "templates" / "emails"
NAMES = sorted(path.name.removesuffix("-subject.txt") for path in EMAILS.glob("*-subject.txt"))


def test_there_are_emails_to_check():
    assert len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_each_email_has_both_bodies_extending_the_base(name):
    html = (EMAILS / f"{name}-body-html.html").read_text()
    text = (EMAILS / f"{name}-body-text.txt").read_text()
    assert html.startswith('{% extends "emails/base-body-html.html" %}')
    assert text.startswith('{% extends "emails/base-body-text.txt" %}')

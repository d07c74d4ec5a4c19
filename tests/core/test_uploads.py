"""Upload rules: a file is judged by its content as well as its name, and capped in size."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from core.uploads import (
    limit_upload_size,
    sniff_kind,
    too_large_error,
    upload_name,
    validate_document,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 16
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
TEXT = b"Minutes of the meeting, typed as plain text.\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 16


def zip_bytes(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = zip_bytes("[Content_Types].xml", "word/document.xml")
XLSX = zip_bytes("[Content_Types].xml", "xl/workbook.xml")


def upload(name, content):
    return SimpleUploadedFile(name, content)


# sniff_kind: the kind is read from the bytes


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (GIF, "gif"),
        (GIF.replace(b"GIF89a", b"GIF87a"), "gif"),
        (OLE, "ole"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
    ],
)
def test_sniff_kind_recognises_each_allowed_kind_by_its_content(content, kind):
    assert sniff_kind(content[:16], io.BytesIO(content)) == kind


@pytest.mark.parametrize(
    "content",
    [
        TEXT,
        EXE,
        b"",
        zip_bytes("readme.txt"),
        zip_bytes("[Content_Types].xml"),
        zip_bytes("word/document.xml"),
        b"PK\x03\x04 but not really a zip archive",
    ],
    ids=[
        "text",
        "exe",
        "empty",
        "plain-zip",
        "zip-with-only-content-types",
        "zip-without-content-types",
        "broken-zip",
    ],
)
def test_sniff_kind_answers_none_for_content_that_is_no_allowed_kind(content):
    assert sniff_kind(content[:16], io.BytesIO(content)) is None


# validate_document: the name's ending and the content must agree


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("chart.png", PNG),
        ("photo.jpg", JPEG),
        ("photo.jpeg", JPEG),
        ("logo.gif", GIF),
        ("minutes.docx", DOCX),
        ("budget.xlsx", XLSX),
        ("minutes.doc", OLE),
        ("budget.xls", OLE),
    ],
)
def test_validate_document_accepts_each_allowed_kind(name, content):
    validate_document(upload(name, content))


def test_validate_document_accepts_an_ending_in_capitals():
    validate_document(upload("REPORT.PDF", PDF))


def test_validate_document_leaves_the_file_at_its_start_for_saving():
    file = upload("minutes.docx", DOCX)

    validate_document(file)

    assert file.read() == DOCX


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PNG),
        ("report.pdf", TEXT),
        ("report.pdf", b""),
        ("chart.png", JPEG),
        ("photo.jpg", PNG),
        ("minutes.docx", XLSX),
        ("budget.xlsx", DOCX),
        ("minutes.docx", zip_bytes("readme.txt")),
        ("minutes.doc", DOCX),
        ("minutes.docx", OLE),
        ("budget.xlsx", PDF),
    ],
    ids=[
        "png-named-pdf",
        "text-named-pdf",
        "empty-pdf",
        "jpeg-named-png",
        "png-named-jpg",
        "xlsx-named-docx",
        "docx-named-xlsx",
        "plain-zip-named-docx",
        "docx-named-doc",
        "ole-named-docx",
        "pdf-named-xlsx",
    ],
)
def test_validate_document_refuses_a_file_whose_content_is_not_what_its_name_says(name, content):
    with pytest.raises(ValidationError) as caught:
        validate_document(upload(name, content))

    assert caught.value.code == "file_content"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", EXE),
        ("setup.exe", PDF),
        ("notes.txt", TEXT),
        ("page.html", b"<script>alert(1)</script>"),
        ("report", PDF),
        ("report.pdf.exe", PDF),
    ],
    ids=["exe", "pdf-named-exe", "txt", "html", "no-ending", "double-ending"],
)
def test_validate_document_refuses_a_name_with_an_ending_that_is_not_allowed(name, content):
    with pytest.raises(ValidationError) as caught:
        validate_document(upload(name, content))

    assert caught.value.code == "file_type"


# The size cap


def test_too_large_error_names_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024

    error = too_large_error()

    assert error.code == "file_size"
    assert "1.0\xa0KB" in error.message % error.params


def test_the_size_cap_skips_a_file_over_the_limit_while_it_streams_in(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    request = RequestFactory().post(
        "/", {"evidence": upload("report.pdf", PDF + b"\x00" * 2048), "narrative": "Done."}
    )

    limit_upload_size(request)

    assert "evidence" not in request.FILES
    assert request.too_large_uploads == {"evidence"}
    assert request.POST["narrative"] == "Done."


def test_the_size_cap_lets_a_file_within_the_limit_through(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    request = RequestFactory().post("/", {"evidence": upload("report.pdf", PDF)})

    limit_upload_size(request)

    assert request.FILES["evidence"].read() == PDF
    assert request.too_large_uploads == set()


def test_an_upload_name_over_the_limit_is_shortened_before_its_ending():
    assert upload_name("a" * 300 + ".docx") == "a" * 195 + ".docx"
    assert upload_name("Short report.pdf") == "Short report.pdf"
    assert upload_name("b" * 250) == "b" * 200

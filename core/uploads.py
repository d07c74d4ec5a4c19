"""Upload rules for every uploaded file: size capped while reading, type judged by content.

UploadGuardMiddleware refuses a request whose declared body is over the hard cap and installs
an upload handler on every other, before anything (the CSRF check included) reads the body:
a file over the per-file cap is skipped as it streams in instead of being written to disk,
and its field is remembered on the request (`request.too_large_uploads`) so that the form
reports it. `validate_upload` is the validator of every file field, on models and forms.
"""

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat

# Kind of document -> the file name endings that may carry it.
ALLOWED_KINDS = {
    "pdf": {".pdf"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
    "gif": {".gif"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "ole": {".doc", ".xls"},  # legacy Word and Excel share one container format
}
ALLOWED_ENDINGS = sorted(set().union(*ALLOWED_KINDS.values()))
# The longest file name kept for showing and downloading an upload (the models' name fields).
UPLOAD_NAME_MAX_LENGTH = 200


def upload_name(name, max_length=UPLOAD_NAME_MAX_LENGTH):
    """An uploaded file's name as shown and downloaded, shortened to `max_length` characters
    before its ending, so that the download keeps its type."""
    name = PurePath(name).name
    if len(name) <= max_length:
        return name
    suffix = PurePath(name).suffix
    if len(suffix) > 10:  # not an ending the upload rules accept
        suffix = ""
    return name[: max_length - len(suffix)] + suffix


def sniff_kind(head, file):
    """The kind of document the bytes are, judged by their content, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    return None


def _office_kind(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


class TooLargeUploadHandler(FileUploadHandler):
    """Skips any uploaded file over the limit while it streams and remembers its field."""

    def __init__(self, request=None, max_bytes=None):
        super().__init__(request)
        self.max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
        request.too_large_uploads = set()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.request.too_large_uploads.add(self.field_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def oversized_request_problem(request):
    """(status, message) when the declared body is malformed or over the hard cap, else None.

    Checked before anything reads the body, so an oversized request is never read.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 400, "Malformed Content-Length header."
    if length > settings.REQUEST_MAX_BYTES:
        return 413, "The upload is too large."
    return None


def limit_upload_size(request):
    """Install the size cap on a request before its body is read."""
    request.upload_handlers.insert(0, TooLargeUploadHandler(request))


class UploadGuardMiddleware:
    """Caps every request body and every uploaded file before the body is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH"):
            if problem := oversized_request_problem(request):
                status, message = problem
                return HttpResponse(message, status=status, content_type="text/plain")
            limit_upload_size(request)
        return self.get_response(request)


class TooLargeUploadsFormMixin:
    """A form that reports the files the guard skipped as too large, each on its own field."""

    too_large = frozenset()

    def __init__(self, *args, too_large=None, **kwargs):
        super().__init__(*args, **kwargs)
        if too_large is not None:
            self.too_large = frozenset(too_large)

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if self.add_prefix(name) in self.too_large:
                self.add_error(name, too_large_error())
        return cleaned


def validate_upload(upload):
    """The validator of every file field: within the size cap and of an allowed type by its
    content. Files already stored (not new uploads) are left alone."""
    if not isinstance(upload, UploadedFile) and getattr(upload, "_committed", True):
        return
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise too_large_error()
    validate_document(upload)


def validate_document(upload):
    """Refuse files whose name is not an allowed ending or whose content is another type."""
    ending = PurePath(upload.name).suffix.lower()
    if ending not in ALLOWED_ENDINGS:
        raise ValidationError(
            "Upload a PDF, Word, Excel or image file (%(endings)s).",
            params={"endings": ", ".join(ALLOWED_ENDINGS)},
            code="file_type",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_kind(head, upload if head.startswith(b"PK") else io.BytesIO(head))
    upload.seek(0)
    if kind is None or ending not in ALLOWED_KINDS[kind]:
        raise ValidationError(
            "The file's content is not what its name says (%(ending)s).",
            params={"ending": ending},
            code="file_content",
        )


def too_large_error():
    return ValidationError(
        "The file is larger than %(limit)s.",
        params={"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
        code="file_size",
    )

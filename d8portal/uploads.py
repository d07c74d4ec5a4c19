"""Upload rules for evidence files and attachments: size capped while reading, type by content.

The size cap is enforced by an upload handler, so an oversized file is skipped as it streams
in instead of being written to disk first; the form then reports it as a field error.
"""

import io
import zipfile
from functools import wraps
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect

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


def upload_limited(view):
    """A view that takes uploads: the request's size and each file's are capped before
    anything reads the body, the CSRF check included (so that check runs inside)."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            if problem := oversized_request_problem(request):
                status, message = problem
                return HttpResponse(message, status=status, content_type="text/plain")
            limit_upload_size(request)
        return protected(request, *args, **kwargs)

    return wrapper


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

"""PDF rendering with WeasyPrint that fetches nothing but the portal's own static files.

Report templates link their stylesheet with ``{% static %}``; the HTML is rendered against
a base URL on a reserved, unreachable origin, and the fetcher maps URLs under that origin's
static prefix to files on disk. Every other URL (http, https elsewhere, file, data, …) is
refused, and nothing is ever requested over the network, so no redirect can be followed.

Each render runs in a forked child process that is killed at the deadline
(PDF_RENDER_TIMEOUT): a hostile or huge report cannot hold a web or Celery worker longer.
"""

import contextlib
import ctypes
import io
import mimetypes
import os
import pickle
import posixpath
import select
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, HttpResponse
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# RFC 2606 reserves .invalid: the name can never resolve, should anything try.
BASE_URL = "https://portal.invalid/"


class FetchRefused(ValueError):
    """The report asked for a resource other than one of the portal's static files."""


class RenderTimedOut(Exception):
    """Rendering took longer than PDF_RENDER_TIMEOUT seconds and was stopped."""


def _static_prefix():
    return urlsplit(settings.STATIC_URL).path.strip("/") + "/"


def static_file_path(name):
    """The file on disk of a static file name, from STATIC_ROOT or the finders; else None."""
    if staticfiles_storage.exists(name):
        return staticfiles_storage.path(name)
    return finders.find(name)


class StaticFilesFetcher(URLFetcher):
    """Serves the portal's static files from disk; refuses every other URL."""

    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
            raise FetchRefused(f"Reports may only use the portal's static files, not {url[:200]}")
        path = unquote(parts.path).lstrip("/")
        prefix = _static_prefix()
        name = path.removeprefix(prefix)
        if (
            not path.startswith(prefix)
            or "\\" in name
            or "\x00" in name
            or posixpath.normpath(name) != name
            or name.startswith(("/", ".."))
        ):
            raise FetchRefused(f"Not a static file: {url[:200]}")
        file_path = static_file_path(name)
        if file_path is None:
            raise FetchRefused(f"No such static file: {name}")
        with open(file_path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        # WeasyPrint only calls fetch(); the urllib opener underneath must never run.
        raise FetchRefused("Opening URLs directly is not allowed.")


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    page_count: int


class RenderFailed(Exception):
    """The render raised an error that could not be carried back from its process."""


def _die_with_parent_and_deadline(seconds):
    # Two guards that hold even if this process's parent is killed (say by Celery's hard time
    # limit) before it can kill us: the kernel's alarm ends us at the deadline, and on Linux
    # the kernel also ends us when the parent dies.
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.setitimer(signal.ITIMER_REAL, seconds + 1)
    if sys.platform.startswith("linux"):
        # Without prctl the alarm still holds.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def _child(function, seconds, write_fd):
    try:
        _die_with_parent_and_deadline(seconds)
        try:
            payload = pickle.dumps((True, function()))
        except BaseException as exc:  # noqa: BLE001 - carried back to the parent as it is
            try:
                payload = pickle.dumps((False, exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                payload = pickle.dumps((False, RenderFailed(repr(exc)[:2000])))
        with os.fdopen(write_fd, "wb") as out:
            out.write(payload)
    finally:
        os._exit(0)  # no atexit, no flushing of the parent's buffers, no closing its sockets


def run_with_deadline(function, seconds):
    """Call function() in a child process and return its result; kill the child at the deadline.

    The child is killed with SIGKILL, which no Python or C code inside WeasyPrint can swallow
    or delay, so the caller gets RenderTimedOut within moments of `seconds`. A forked child
    inherits the loaded code and fonts (no start-up cost) and works inside Celery's daemonic
    pool processes, which may not use multiprocessing. The function must not use the database
    connection: the child shares its socket with the parent.
    """
    read_fd, write_fd = os.pipe()
    deadline = time.monotonic() + seconds
    with warnings.catch_warnings():
        # Python warns about forking a process with threads; the child only runs `function`.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; it never returns
        os.close(read_fd)
        _child(function, seconds, write_fd)
    os.close(write_fd)
    chunks = []
    try:
        with os.fdopen(read_fd, "rb", buffering=0) as pipe:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([pipe], [], [], remaining)[0]:
                    raise RenderTimedOut(f"Rendering took longer than {seconds} seconds.")
                chunk = pipe.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        # Whether it finished, timed out or we were interrupted: end the child and reap it.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not chunks:
        raise RenderFailed("The render process ended without a result.")
    # Written by our own child through a pipe only it and we hold: trusted data.
    ok, value = pickle.loads(b"".join(chunks))  # noqa: S301
    if not ok:
        raise value
    return value


def _render(html):
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).render()
    # Tagged (a screen reader gets the structure) and PDF/A-3u for the archives.
    content = document.write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True)
    return RenderedPDF(content=content, page_count=len(document.pages))


# Our own small page in every script the reports print, with the reports' stylesheet.
_WARM_UP_HTML = (
    '<html lang="en"><title>D-8</title><link rel="stylesheet" href="/static/css/report.css">'
    "<h1>D-8</h1><p>Türkiye Perusahaan kecil dan menengah ایران বাংলাদেশ</p></html>"
)
_warmed_up = threading.Lock()


def _warm_up():
    # Fonts, the stylesheet and WeasyPrint's caches are loaded on a first render. Done once
    # in this process, every forked child starts with them (about half a render's time).
    if _warmed_up.acquire(blocking=False):
        _render(_WARM_UP_HTML)


def render_pdf(html, *, timeout=None):
    """Render report HTML to PDF, fetching only static files, within the time limit."""
    timeout = timeout or settings.PDF_RENDER_TIMEOUT
    _warm_up()
    return run_with_deadline(lambda: _render(html), timeout)


def pdf_download(render, *, filename, too_long):
    """A download of a PDF rendered for this request by `render()` (returning a RenderedPDF);
    503 with `too_long` when the render was stopped at its deadline."""
    try:
        rendered = render()
    except RenderTimedOut:
        return HttpResponse(too_long, status=503, content_type="text/plain; charset=utf-8")
    return FileResponse(io.BytesIO(rendered.content), as_attachment=True, filename=filename)

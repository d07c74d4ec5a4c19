"""PDF rendering with WeasyPrint that fetches nothing but the portal's own static files.

Report templates link their stylesheet with ``{% static %}``; the HTML is rendered against
a base URL on a reserved, unreachable origin, and the fetcher maps URLs under that origin's
static prefix to files on disk. Every other URL (http, https elsewhere, file, data, …) is
refused, and nothing is ever requested over the network, so no redirect can be followed.
"""

import ctypes
import mimetypes
import posixpath
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# RFC 2606 reserves .invalid: the name can never resolve, should anything try.
BASE_URL = "https://portal.invalid/"


class FetchRefused(ValueError):
    """The report asked for a resource other than one of the portal's static files."""


class RenderTimedOut(Exception):
    """Rendering took longer than PDF_RENDER_TIMEOUT seconds and was stopped."""


class _Deadline(BaseException):
    # A BaseException, so that WeasyPrint's `except Exception` blocks cannot swallow it.
    pass


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


def _interrupt(thread_id):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(_Deadline)
    )


def _clear_interrupt(thread_id):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)


def run_with_deadline(function, seconds):
    """Call function() in this thread; stop it with RenderTimedOut after `seconds`.

    A timer thread raises an exception in the calling thread, so it works in any thread
    and in daemonic Celery workers (which may not start child processes), and costs
    nothing while the function runs.
    """
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire():
        with lock:
            if not state["done"]:
                state["fired"] = True
                _interrupt(thread_id)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    try:
        timer.start()
        try:
            result = function()
        finally:
            with lock:
                state["done"] = True
            timer.cancel()
        if state["fired"]:
            # Fired after the function returned but before we noticed: undo it.
            _clear_interrupt(thread_id)
            raise RenderTimedOut(f"Rendering took longer than {seconds} seconds.")
        return result
    except _Deadline:
        raise RenderTimedOut(f"Rendering took longer than {seconds} seconds.") from None


def render_pdf(html, *, timeout=None):
    """Render report HTML to PDF, fetching only static files, within the time limit."""
    timeout = timeout or settings.PDF_RENDER_TIMEOUT

    def render():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).render()
        # Tagged (a screen reader gets the structure) and PDF/A-3u for the archives.
        content = document.write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True)
        return RenderedPDF(content=content, page_count=len(document.pages))

    return run_with_deadline(render, timeout)

import io
import os
import time

import pytest
from pypdf import PdfReader

from core.pdf import (
    BASE_URL,
    FetchRefused,
    RenderTimedOut,
    StaticFilesFetcher,
    render_pdf,
    run_with_deadline,
)
from tests.recording_server import recording_server


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_fetcher_serves_the_portals_own_stylesheet_from_disk():
    response = StaticFilesFetcher().fetch(f"{BASE_URL}static/css/report.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        "https://example.org/static/css/report.css",
        "http://portal.invalid/static/css/report.css",
        f"{BASE_URL}media/meetings/documents/secret.pdf",
        f"{BASE_URL}static/../d8portal/settings.py",
        f"{BASE_URL}static/css/%2e%2e/%2e%2e/d8portal/settings.py",
        f"{BASE_URL}static/css/report.css?x=1",
        f"{BASE_URL}static/css/no-such-file.css",
    ],
)
def test_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(FetchRefused):
        StaticFilesFetcher().fetch(url)


def test_fetcher_refuses_a_url_that_would_redirect_without_requesting_it():
    with recording_server() as (base, hits):
        with pytest.raises(FetchRefused):
            StaticFilesFetcher().fetch(f"{base}/redirect")
        with pytest.raises(FetchRefused):
            StaticFilesFetcher().open(f"{base}/redirect")

    assert hits == []


def test_rendering_fetches_nothing_from_the_network_or_the_file_system():
    with recording_server() as (base, hits):
        html = (
            f'<link rel="stylesheet" href="{base}/style.css">'
            f'<img src="{base}/redirect"><img src="file:///etc/passwd">'
            f"<p style=\"background: url('{base}/bg')\">Text</p>"
        )
        rendered = render_pdf(html)

    assert hits == []
    assert "root:" not in pdf_text(rendered.content)


def test_rendering_counts_pages():
    rendered = render_pdf("<p>One</p><p style='break-before: page'>Two</p>")

    assert rendered.page_count == 2
    assert rendered.content.startswith(b"%PDF")


def test_turkish_malay_arabic_persian_and_bengali_text_renders_with_real_glyphs():
    rendered = render_pdf(
        '<link rel="stylesheet" href="/static/css/report.css">'
        "<p>Türkiye, ş, ğ, İ · Perusahaan kecil dan menengah · ایران · مصر · বাংলাদেশ</p>"
    )
    reader = PdfReader(io.BytesIO(rendered.content))
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    text = pdf_text(rendered.content)

    # Glyphs missing from a font would extract as nothing: the letters come back only if drawn.
    for words in ("Türkiye, ş, ğ, İ", "Perusahaan kecil dan menengah", "ایران", "বাংলাদেশ"):
        assert words in text
    assert all(name.startswith(("DejaVu", "Noto")) for name in fonts), fonts
    assert "Noto-Sans-Bengali" in fonts


def test_a_function_past_its_deadline_is_stopped_even_inside_a_blocking_call():
    # time.sleep blocks in C: no exception raised into the thread could end it early.
    started = time.monotonic()
    with pytest.raises(RenderTimedOut):
        run_with_deadline(lambda: time.sleep(60), 0.3)

    assert time.monotonic() - started < 0.3 + 1.5


def test_a_function_within_its_deadline_returns_its_result():
    assert run_with_deadline(lambda: {"answer": 42}, 5) == {"answer": 42}


def test_an_error_in_the_function_reaches_the_caller():
    def failing():
        raise FetchRefused("No such static file: x.css")

    with pytest.raises(FetchRefused, match="x.css"):
        run_with_deadline(failing, 5)


def test_a_stopped_function_leaves_no_process_behind(monkeypatch):
    children = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    with pytest.raises(RenderTimedOut):
        run_with_deadline(lambda: time.sleep(60), 0.2)

    [child] = children
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # killed and reaped: not running, not a zombie


def test_a_render_past_its_deadline_is_stopped():
    html = "<table>" + "<tr><td>cell</td><td>cell</td></tr>" * 20000 + "</table>"

    started = time.monotonic()
    with pytest.raises(RenderTimedOut):
        render_pdf(html, timeout=1)

    # Stopped at the deadline, not when WeasyPrint would have finished (over a minute).
    assert time.monotonic() - started < 1 + 1.5

"""What every report PDF must be: tagged for screen readers, PDF/A-3u, with language and title."""

import io

from pypdf import PdfReader


def assert_tagged_pdfa(content, *, title):
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (pdfinfo: "Tagged: yes")
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith("en")
    xmp = reader.xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "U")
    assert reader.metadata.title == title

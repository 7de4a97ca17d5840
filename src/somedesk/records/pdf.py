"""Archival PDF (PDF/A-2b) of a comment or an answer, rendered offline with WeasyPrint."""

from __future__ import annotations

import hashlib
import logging

from django.template.loader import render_to_string

PDF_VARIANT = "pdf/a-2b"


def _uncompressed_metadata(document, pdf) -> None:
    """PDF/A (ISO 19005-2, 6.6.2.1) forbids a Filter on the XMP metadata stream; WeasyPrint compresses it."""
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.compress = False


def render_pdfa(template: str, context: dict) -> bytes:
    import weasyprint

    html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=None).write_pdf(
        pdf_variant=PDF_VARIANT, finisher=_uncompressed_metadata
    )


def pdfa_claim(data: bytes) -> dict:
    """What a PDF's XMP metadata claims about PDF/A conformance: {"part": "2", "conformance": "B"}."""
    import re

    match = re.search(rb"<x:xmpmeta.*?</x:xmpmeta>", data, re.S)
    if not match:
        return {}
    xmp = match.group(0)
    part = re.search(rb'pdfaid:part="(\d)"|<pdfaid:part>(\d)</pdfaid:part>', xmp)
    conf = re.search(rb'pdfaid:conformance="(\w)"|<pdfaid:conformance>(\w)</pdfaid:conformance>', xmp)
    result = {}
    if part:
        result["part"] = (part.group(1) or part.group(2)).decode()
    if conf:
        result["conformance"] = (conf.group(1) or conf.group(2)).decode()
    return result


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# WeasyPrint logs every rendering step at INFO; keep the desk's log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

"""Render lkj-bot documents: Jinja2 templates -> HTML -> PDF (WeasyPrint).

Two separate steps:

* :func:`render_html` turns a template of the ``templates`` package and a
  plain ``dict`` context into an HTML string (autoescaped, strict undefined).
* :func:`html_to_pdf` turns that HTML into PDF bytes with WeasyPrint, using a
  *sealed* URL fetcher (:class:`SealedURLFetcher`) so that rendering can never
  read arbitrary local files or reach the network.

:func:`render_pdf` does both.

Fetcher policy (see :class:`SealedURLFetcher`):

* ``file:`` URLs are served only when the resolved path (symlinks followed,
  ``..`` collapsed) is a regular file inside the templates folder.
* ``data:`` URLs are served only for images (``image/png``, ``image/jpeg``,
  ``image/svg+xml``), so a caller can pass an inline logo; they never touch the
  disk or the network. What an SVG refers to is fetched through this same
  fetcher, so it is sealed too (and ``domain.identity.check_logo`` refuses an
  SVG with outside references before it is stored).
* Every other URL (``http``, ``https``, ``ftp``, ``file`` outside the
  templates folder, other ``data:`` types, ...) is refused with
  :class:`FetchRefused`. WeasyPrint logs refusals and renders without the
  resource; refused URLs are also recorded on the fetcher instance.

In addition, PDF file attachments (``<link rel="attachment">``) are dropped
from the document metadata before writing, so the HTML can never make a PDF
embed a file. The only files a PDF embeds are those the caller passes as
``archival`` (:class:`EmbeddedFile`, bytes it built itself): then the PDF is
written as PDF/A-3a (archival, tagged for screen readers) with them attached.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from markupsafe import Markup, escape
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

import templates as _templates_pkg
from documents.embedded import EmbeddedFile
from documents.lampiran_pages import page_images
from domain.text import format_nip, neutralise_bidi

__all__ = [
    "ARCHIVAL_VARIANT",
    "DISPOSITION_INSTRUCTIONS",
    "EmbeddedFile",
    "FetchRefused",
    "SealedURLFetcher",
    "TEMPLATES_DIR",
    "URGENCY_OPTIONS",
    "html_to_pdf",
    "image_data_uri",
    "render_html",
    "render_pdf",
]

LOGGER = logging.getLogger(__name__)

#: Folder of the ``templates`` package (HTML templates, print.css, fonts/).
TEMPLATES_DIR: Path = Path(_templates_pkg.__file__).resolve().parent

#: ``data:`` URL media types the fetcher accepts.
ALLOWED_DATA_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})

#: Fixed urgency options of a lembar disposisi (rendered as checkboxes).
URGENCY_OPTIONS: tuple[str, ...] = ("Biasa", "Segera", "Sangat Segera", "Rahasia")

#: Fixed instruction checkboxes of a lembar disposisi: (label, accepted aliases).
DISPOSITION_INSTRUCTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Tanggapan dan saran", ("tanggapan dan saran", "tanggapan", "saran")),
    ("Proses lebih lanjut", ("proses lebih lanjut", "proses")),
    (
        "Koordinasikan/konfirmasikan",
        ("koordinasikan/konfirmasikan", "koordinasikan", "konfirmasikan"),
    ),
    ("Untuk diketahui", ("untuk diketahui", "diketahui")),
    ("Siapkan laporan", ("siapkan laporan", "laporan")),
    ("Arsip", ("arsip", "arsipkan")),
)


# --------------------------------------------------------------------------- #
# Sealed URL fetcher
# --------------------------------------------------------------------------- #


class FetchRefused(ValueError):
    """Raised by :class:`SealedURLFetcher` for any URL outside its policy."""


class SealedURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves only files of one folder.

    WeasyPrint 70 expects a :class:`weasyprint.urls.URLFetcher` instance (it
    calls it and reads its ``_fail_on_errors`` attribute), so this subclasses
    it and overrides :meth:`fetch`; nothing of urllib's opener is ever used.

    :param root: folder whose files may be served (default: templates folder).
    :param fail_on_errors: if true, a refused URL aborts the rendering
        (WeasyPrint raises ``FatalURLFetchingError``); by default a refusal is
        logged and the resource is skipped.

    ``fetched`` and ``refused`` list the URLs served / refused by this
    instance (useful for tests and audits). One instance per render is
    recommended.
    """

    def __init__(self, root: Path | str | None = None, *, fail_on_errors: bool = False) -> None:
        super().__init__(
            allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=fail_on_errors
        )
        self.root = Path(root if root is not None else TEMPLATES_DIR).resolve()
        self.fetched: list[str] = []
        self.refused: list[str] = []

    # WeasyPrint calls the fetcher instance; keep both entry points sealed.
    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        full_url = getattr(url, "full_url", url)
        return self.fetch(str(full_url))

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            response = self._fetch(url)
        except FetchRefused:
            self.refused.append(url)
            LOGGER.warning("Sealed fetcher refused URL: %.200s", url)
            raise
        self.fetched.append(url)
        return response

    def _fetch(self, url: str) -> URLFetcherResponse:
        if not isinstance(url, str):
            raise FetchRefused("URL must be a string")
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._fetch_data(url)
        if scheme != "file":
            raise FetchRefused(f"scheme not allowed: {scheme or '(none)'}")
        return self._fetch_file(url)

    def _fetch_data(self, url: str) -> URLFetcherResponse:
        header, sep, payload = url[len("data:") :].partition(",")
        if not sep:
            raise FetchRefused("malformed data: URL")
        parts = [p.strip().lower() for p in header.split(";")]
        media_type = parts[0] or "text/plain"
        if media_type not in ALLOWED_DATA_TYPES:
            raise FetchRefused(f"data: URL media type not allowed: {media_type}")
        try:
            if "base64" in parts[1:]:
                body = base64.b64decode(unquote(payload), validate=True)
            else:
                body = unquote(payload).encode("latin-1")
        except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
            raise FetchRefused("malformed data: URL payload") from exc
        return URLFetcherResponse(url, body, {"Content-Type": media_type})

    def _fetch_file(self, url: str) -> URLFetcherResponse:
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise FetchRefused("malformed URL") from exc
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused("file: URL with a remote host")
        raw_path = url2pathname(unquote(parts.path))
        if "\x00" in raw_path:
            raise FetchRefused("NUL byte in path")
        try:
            # strict=True: the file must exist; symlinks are followed so a
            # link pointing outside the root is caught by the check below.
            path = Path(raw_path).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise FetchRefused("file not found") from exc
        if not path.is_relative_to(self.root) or not path.is_file():
            raise FetchRefused("file outside the templates folder")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix.lower() == ".css":
            media_type = "text/css"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})


def image_data_uri(data: bytes, media_type: str = "image/png") -> str:
    """Build a ``data:`` URI for an inline image (e.g. ``unit["logo"]``)."""
    if media_type not in ALLOWED_DATA_TYPES:
        raise ValueError(f"unsupported image type: {media_type}")
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


# --------------------------------------------------------------------------- #
# Jinja2
# --------------------------------------------------------------------------- #

_NEWLINES = re.compile(r"\r\n|\r|\n")


def _nl2br(value: Any) -> Markup:
    """Escape ``value`` and turn newlines into ``<br>``."""
    if value is None:
        return Markup("")
    # Escape first, then insert the (trusted) <br> tags between the lines.
    escaped = str(escape(str(value)))
    return Markup("<br>\n".join(_NEWLINES.split(escaped)))


def _short_hash(value: Any, length: int = 12) -> str:
    return str(value or "")[:length]


def _dash(value: Any, placeholder: str = "\u2014") -> Any:
    """Placeholder for ``None`` / empty strings."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return placeholder
    return value


_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _roman(value: Any) -> str:
    """Section numbers: ``4`` -> ``"IV"``."""
    number = int(value)
    if number <= 0:
        raise ValueError("roman numerals start at 1")
    out = []
    for size, letters in _ROMAN:
        count, number = divmod(number, size)
        out.append(letters * count)
    return "".join(out)


def _urgency_rows(urgency: Any) -> list[tuple[str, bool]]:
    chosen = " ".join(str(urgency or "").lower().split())
    return [(label, label.lower() == chosen) for label in URGENCY_OPTIONS]


def _instruction_rows(instructions: Any) -> list[tuple[str, bool]]:
    """Fixed instruction list with ticks; unknown instructions appended ticked."""
    given = [" ".join(str(i).split()) for i in (instructions or []) if str(i).strip()]
    matched: set[int] = set()
    rows: list[tuple[str, bool]] = []
    for label, aliases in DISPOSITION_INSTRUCTIONS:
        ticked = False
        for idx, instr in enumerate(given):
            if instr.lower() in aliases:
                ticked = True
                matched.add(idx)
        rows.append((label, ticked))
    for idx, instr in enumerate(given):
        if idx not in matched:
            rows.append((instr[:1].upper() + instr[1:], True))
    return rows


def _unit_government(unit: Any) -> str:
    """Kop first line: ``unit["government"]`` or "Pemerintah Kota {city}"."""
    government = unit.get("government") if isinstance(unit, dict) else None
    return str(government) if government else f"Pemerintah Kota {unit['city']}"


def _unit_full_name(unit: Any) -> str:
    """Full unit name: ``unit["full_name"]`` or "{name} Kota {city}"."""
    full_name = unit.get("full_name") if isinstance(unit, dict) else None
    return str(full_name) if full_name else f"{unit['name']} Kota {unit['city']}"


_KEEP_WITH_NEXT = re.compile(r"\b(TRIWULAN|Triwulan|TAHUN|Tahun) ")


def _keep_words(value: Any) -> str:
    """A title whose "TRIWULAN III" and "TAHUN 2026" never break across lines (a
    non-breaking space after the word)."""
    return _KEEP_WITH_NEXT.sub("\\1\u00a0", str(value))


def _fail(message: str) -> None:
    """Template helper: abort rendering on an inconsistent context."""
    raise ValueError(message)


def _finalize(value: Any) -> Any:
    """Every ``{{ ... }}`` of every document: bidi controls in user text are removed, so a
    right-to-left override in a note cannot reverse the rest of the page."""
    if isinstance(value, Markup):
        return Markup(neutralise_bidi(str(value)))
    if isinstance(value, str):
        return neutralise_bidi(value)
    return value


def _make_env() -> jinja2.Environment:
    env = jinja2.Environment(
        finalize=_finalize,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["nl2br"] = _nl2br
    env.filters["short_hash"] = _short_hash
    env.filters["dash"] = _dash
    env.filters["nip"] = format_nip
    env.filters["keep_words"] = _keep_words
    env.filters["roman"] = _roman
    env.globals["fail"] = _fail
    env.globals["unit_government"] = _unit_government
    env.globals["unit_full_name"] = _unit_full_name
    env.globals["urgency_rows"] = _urgency_rows
    env.globals["instruction_rows"] = _instruction_rows
    return env


_ENV = _make_env()


def render_html(template_name: str, context: dict[str, Any]) -> str:
    """Render ``templates/<template_name>`` with ``context`` to an HTML string.

    Autoescaping is on (user text is always shown literally) and undefined
    variables raise ``jinja2.UndefinedError``.
    """
    return _ENV.get_template(template_name).render(**context)


#: The PDF variant of archival copies: PDF/A-3 (files may be embedded), level A (tagged, so
#: screen readers get the structure), which WeasyPrint writes together with ``pdf_tags``.
ARCHIVAL_VARIANT = "pdf/a-3a"


def html_to_pdf(
    html: str,
    *,
    url_fetcher: SealedURLFetcher | None = None,
    archival: Sequence[EmbeddedFile] | None = None,
) -> bytes:
    """Convert an HTML string (from :func:`render_html`) into PDF bytes.

    Relative URLs resolve against the templates folder; all fetching goes
    through a :class:`SealedURLFetcher` (a fresh one unless given). With
    ``archival`` the PDF is PDF/A-3a with those files attached (relationship
    "Data"); attachments named by the HTML are dropped either way.
    """
    fetcher = url_fetcher if url_fetcher is not None else SealedURLFetcher()
    document = HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=fetcher).render()
    # Defence in depth: never embed files the HTML asks for.
    document.metadata.attachments = []
    if archival is None:
        return document.write_pdf()
    attachments = [
        Attachment(
            string=f.data, name=f.name, description=f.description, relationship=f.relationship
        )
        for f in archival
    ]
    return document.write_pdf(pdf_variant=ARCHIVAL_VARIANT, pdf_tags=True, attachments=attachments)


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    archival: Sequence[EmbeddedFile] | None = None,
) -> bytes:
    """:func:`render_html` followed by :func:`html_to_pdf` (archival PDF/A-3 with
    ``archival``'s files attached, when given). A context's ``appendix_pdfs``
    (:class:`documents.appendix.AppendedPdf`, checked by the context) become page images
    placed by the template (``appendix_pages``, ``documents.lampiran_pages``), so the whole
    file stays WeasyPrint's own PDF/A-3; an archival copy also embeds each uploaded file
    unchanged (relationship "Source")."""
    appendices = list(context.get("appendix_pdfs") or ())
    if appendices:
        pages = [image for appendix in appendices for image in page_images(appendix)]
        context = {**context, "appendix_pages": pages}
        if archival is not None:
            archival = [
                *archival,
                *(
                    EmbeddedFile(
                        a.name, a.data, f"{a.label}: {a.kind} (berkas asli)", relationship="Source"
                    )
                    for a in appendices
                ),
            ]
    return html_to_pdf(render_html(template_name, context), archival=archival)

"""Reading an uploaded file's zip directory for the acceptance rules of ``domain.uploads``.

An .xlsx or .docx is a zip archive; which members it must hold and how large it may expand
are rules (``domain.uploads``), opening the archive is I/O and lives here, beside the
spreadsheet reader (``documents.spreadsheets``, whose module docstring says why these
readers sit in ``documents/``). Only the central directory is read: nothing is inflated.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from domain.uploads import AcceptedFile, ZipListing
from domain.uploads import check_content as _check_content

_ZIP = b"PK\x03\x04"


def zip_listing(data: bytes) -> ZipListing | None:
    """The directory of ``data`` as a zip archive, or None when it is not a readable zip."""
    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    return ZipListing(
        names=frozenset(i.filename for i in infos),
        count=len(infos),
        expanded=sum(i.file_size for i in infos),
    )


def check_content(name: str, data: bytes, limit: int) -> AcceptedFile:
    """After download: the content must match what the extension claims
    (``domain.uploads.check_content`` with the file's zip directory)."""
    return _check_content(name, data, limit, zip_listing(data))

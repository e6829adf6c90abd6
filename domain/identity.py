"""The unit's identity on its letterhead (kop): government, name, address, contacts, logo.

Each field is data, set in the roster or by the unit administrator in chat; this module
parses what a person typed (or the roster holds) into a field's value, checks a logo by its
content, and lays stored changes over a unit. Error messages are shown to the user.
"""

from __future__ import annotations

import base64
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from hashlib import sha256
from typing import Any, ClassVar, Protocol, TypeVar

from domain.errors import InputError

#: Levels of regional government, as printed on the kop.
GOVERNMENT_LEVELS: dict[str, str] = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten",
    "kota": "Kota",
}

#: The fields a unit administrator may change, in the order they are shown.
TEXT_FIELDS: tuple[str, ...] = (
    "government",
    "name",
    "address",
    "phone",
    "email",
    "website",
    "city",
)
FIELDS: tuple[str, ...] = (*TEXT_FIELDS, "logo")
#: Fields that may be emptied by typing "-".
CLEARABLE = frozenset({"address", "phone", "email", "website"})
CLEAR_MARK = "-"

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4096
LOGO_TYPES = {"png": "image/png", "svg": "image/svg+xml"}

_PHONE = re.compile(r"^[0-9+() ./-]{5,40}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_WEBSITE = re.compile(r"^(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/[^\s<>\"]*)?$")
_CITY = re.compile(r"^[^\W\d_][\w .'-]{1,59}$")
_LIMITS = {"name": 150, "address": 200, "government": 100}


@dataclass(frozen=True)
class Logo:
    """A checked logo image: its bytes, their SHA-256 (where it is stored) and media type."""

    sha256: str
    mime: str
    data: bytes = field(repr=False, compare=False)

    @property
    def data_uri(self) -> str:
        """Inline data for the kop (the sealed fetcher serves these, never a path)."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Government:
    """The kop's first line, e.g. Pemerintah Kabupaten Bandung: level and region name."""

    level: str
    name: str

    @property
    def line(self) -> str:
        return f"Pemerintah {GOVERNMENT_LEVELS[self.level]} {self.name}"

    def to_text(self) -> str:
        return f"{GOVERNMENT_LEVELS[self.level]} {self.name}"


def parse_government(text: str) -> Government:
    """ "Kabupaten Bandung" (or "Pemerintah Provinsi Jawa Barat") -> Government."""
    words = " ".join(str(text).split())
    if words.lower().startswith("pemerintah "):
        words = words[len("pemerintah ") :]
    level, _, name = words.partition(" ")
    if level.lower() not in GOVERNMENT_LEVELS or not name.strip():
        raise InputError(
            f"“{text}” tidak dapat dibaca sebagai pemerintah daerah. Tuliskan tingkat dan "
            "namanya, misalnya “Kabupaten Bandung”, “Kota Bandung” atau “Provinsi Jawa Barat”."
        )
    if len(name) > _LIMITS["government"]:
        raise InputError("Nama pemerintah daerah terlalu panjang (paling banyak 100 karakter).")
    return Government(level=level.lower(), name=name.strip())


_LEVEL_WORDS = {
    "kabupaten": "kabupaten",
    "kab.": "kabupaten",
    "kota": "kota",
    "provinsi": "provinsi",
}


def government_from_name(unit_name: str) -> Government | None:
    """The government a unit belongs to, read from its name: the last level word
    (Kabupaten, Kota, Provinsi) followed by a region's name. "Dinas Kesehatan Kabupaten
    Kendal" -> Kabupaten Kendal; "Dinas Tata Kota Kabupaten Bogor" -> Kabupaten Bogor.
    None when the name names no region (then the administrator is asked)."""
    words = " ".join(str(unit_name).split()).split(" ")
    for index in range(len(words) - 2, -1, -1):
        level = _LEVEL_WORDS.get(words[index].lower())
        region = " ".join(words[index + 1 :]).strip(" .,")
        if level and region and len(region) <= _LIMITS["government"]:
            return Government(level=level, name=region)
    return None


def parse_field(name: str, text: str) -> Any:
    """The value of identity field ``name`` from what was typed; InputError if unusable.

    Optional fields (address and contacts) are emptied by "-".
    """
    value = " ".join(str(text).split())
    if name in CLEARABLE and value == CLEAR_MARK:
        return ""
    if name == "government":
        return parse_government(value)
    if not value:
        raise InputError("Isian tidak boleh kosong.")
    if name in ("name", "address"):
        if len(value) > _LIMITS[name]:
            raise InputError(f"Teks terlalu panjang (paling banyak {_LIMITS[name]} karakter).")
        if name == "name" and len(value) < 3:
            raise InputError("Nama unit terlalu pendek.")
        return value
    checks = {
        "phone": (_PHONE, "nomor telepon, misalnya “(022) 4234793”"),
        "email": (_EMAIL, "alamat e-mail, misalnya “satpolpp@bandungkab.go.id”"),
        "website": (_WEBSITE, "alamat situs web, misalnya “satpolpp.bandungkab.go.id”"),
        "city": (_CITY, "nama kota tempat penandatanganan, misalnya “Soreang”"),
    }
    if name not in checks:
        raise KeyError(name)
    pattern, what = checks[name]
    if not pattern.fullmatch(value):
        raise InputError(f"“{value}” bukan {what}.")
    return value


# ----------------------------------------------------------------------------- the logo


def logo_extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_logo_declared(filename: str, size: int | None) -> None:
    """Before download: a PNG or SVG name and a size within the logo limit."""
    if logo_extension(filename) not in LOGO_TYPES:
        raise InputError(
            f"Logo “{filename or 'tanpa nama'}” tidak diterima: kirimkan berkas PNG atau SVG."
        )
    if size is not None and size > LOGO_MAX_BYTES:
        raise InputError(
            f"Logo “{filename}” terlalu besar ({size / 1048576:.1f} MB); "
            f"batasnya {LOGO_MAX_BYTES // 1048576} MB."
        )
    if size == 0:
        raise InputError(f"Berkas “{filename}” kosong.")


def check_logo(filename: str, data: bytes) -> Logo:
    """A PNG or SVG logo checked by its content, never by its name alone."""
    check_logo_declared(filename, len(data))
    ext = logo_extension(filename)
    ok = _png_ok(data) if ext == "png" else _svg_ok(data)
    if not ok:
        raise InputError(
            f"Isi berkas “{filename}” bukan gambar {ext.upper()} yang dapat dipakai sebagai logo "
            "(berkas rusak, jenisnya tidak sesuai dengan namanya, atau SVG memuat skrip atau "
            "rujukan ke berkas lain). Logo tidak diubah."
        )
    return Logo(sha256=sha256(data).hexdigest(), mime=LOGO_TYPES[ext], data=data)


def _png_ok(data: bytes) -> bool:
    """Signature, an IHDR of sane dimensions first, chunks well formed up to IEND."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) < 33:
        return False
    pos = 8
    first = True
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            return False
        if first:
            if kind != b"IHDR" or length != 13:
                return False
            width, height = struct.unpack(">II", data[pos + 8 : pos + 16])
            if not (0 < width <= LOGO_MAX_PIXELS and 0 < height <= LOGO_MAX_PIXELS):
                return False
            first = False
        if kind == b"IEND":
            return True
        pos = end
    return False


_SVG_FORBIDDEN_TAGS = frozenset({"script", "foreignobject", "iframe", "object", "embed"})
_LOCAL_REF = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


def _svg_ok(data: bytes) -> bool:
    """Well-formed SVG without DTD, scripts, handlers or references outside itself.

    The sealed fetcher would refuse an outside reference anyway; refusing it here tells the
    administrator now instead of printing a kop with a hole in it.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        return False  # no entity expansion, no external DTD
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return False
    if _local(root.tag) != "svg":
        return False
    for element in root.iter():
        if _local(element.tag).lower() in _SVG_FORBIDDEN_TAGS:
            return False
        for attr, value in element.attrib.items():
            name = _local(attr).lower()
            if name.startswith("on"):
                return False
            if name == "href" and not value.strip().startswith(("#", "data:image/png")):
                return False
            if _LOCAL_REF.search(value):
                return False
        if _local(element.tag) == "style" and (
            _LOCAL_REF.search(element.text or "") or "@import" in (element.text or "")
        ):
            return False
    return True


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# ----------------------------------------------------------------------------- on a unit


class Letterhead(Protocol):
    """What the kop is read from: a unit (``domain.roster.Unit``, which holds this module's
    values, so it is named by its shape here): a dataclass, so ``apply_identity`` replaces."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def name(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def government(self) -> Government | None: ...
    @property
    def phone(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def website(self) -> str: ...
    @property
    def logo(self) -> Logo | None: ...


#: A unit, kept as the type it came as (``apply_identity``).
U = TypeVar("U", bound=Letterhead)


def contact_line(unit: Letterhead) -> str:
    """The kop's second line: telephone, e-mail, website (those set)."""
    parts = []
    if unit.phone:
        parts.append(f"Telp. {unit.phone}")
    if unit.email:
        parts.append(f"Pos-el: {unit.email}")
    if unit.website:
        parts.append(f"Laman: {unit.website}")
    return " · ".join(parts)


def government_line(unit: Letterhead) -> str:
    """ "Pemerintah Kabupaten Bandung"; a unit without one is the city's (the old default)."""
    if unit.government is not None:
        return unit.government.line
    return f"Pemerintah Kota {unit.city}"


def stored_value(name: str, value: Any) -> Any:
    """What the store keeps for a field's value (JSON)."""
    if isinstance(value, Government):
        return {"level": value.level, "name": value.name}
    if isinstance(value, Logo):
        return {"sha256": value.sha256, "mime": value.mime}
    return value


def apply_identity(unit: U, changes: dict[str, Any], logo: Logo | None = None) -> U:
    """``unit`` with the stored ``changes`` laid over it; ``logo`` is the stored logo's bytes."""
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "government":
            values[name] = Government(level=value["level"], name=value["name"])
        elif name == "logo":
            values[name] = logo if value else None
        elif name in TEXT_FIELDS:
            values[name] = value
    return replace(unit, **values)


def shown_value(unit: Letterhead, name: str) -> str:
    """A field's current value as the administrator sees it ("-" when empty)."""
    if name == "government":
        return government_line(unit)
    if name == "logo":
        logo = unit.logo
        if logo is None:
            return CLEAR_MARK
        kind = "SVG" if logo.mime == LOGO_TYPES["svg"] else "PNG"
        return f"{kind}, {len(logo.data) / 1024:.0f} KB, SHA-256 {logo.sha256[:12]}…"
    return str(getattr(unit, name) or CLEAR_MARK)

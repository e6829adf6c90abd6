"""The unit identity's rules: typed fields, the logo checked by content, the kop lines."""

from __future__ import annotations

import base64
import io
from dataclasses import replace

import pytest
from PIL import Image

from documents.render import SealedURLFetcher, html_to_pdf, render_html
from domain.errors import InputError
from domain.identity import (
    Government,
    apply_identity,
    check_logo,
    contact_line,
    government_line,
    parse_field,
    stored_value,
)
from domain.roster import RosterError, load_roster
from tests.factories import DEMO_ROSTER, png_bytes


def real_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "typed", "value"),
    [
        ("government", "Kabupaten Bandung", Government("kabupaten", "Bandung")),
        ("government", "pemerintah  PROVINSI Jawa Barat", Government("provinsi", "Jawa Barat")),
        ("government", "Kota Bandung", Government("kota", "Bandung")),
        ("name", "  Satuan Polisi   Pamong Praja ", "Satuan Polisi Pamong Praja"),
        ("address", "-", ""),
        ("phone", "(022) 4234793", "(022) 4234793"),
        ("phone", "-", ""),
        ("email", "satpolpp@bandungkab.go.id", "satpolpp@bandungkab.go.id"),
        ("website", "https://satpolpp.bandungkab.go.id/", "https://satpolpp.bandungkab.go.id/"),
        ("city", "Soreang", "Soreang"),
    ],
)
def test_typed_fields(name, typed, value):
    assert parse_field(name, typed) == value


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("government", "Desa Sukamaju"),
        ("government", "Kabupaten"),
        ("name", ""),
        ("name", "ab"),
        ("name", "x" * 151),
        ("phone", "telepon kantor"),
        ("email", "bukan email"),
        ("email", "a@b"),
        ("website", "javascript:alert(1)"),
        ("city", "-"),
        ("city", "123"),
    ],
)
def test_bad_typed_fields_are_refused(name, typed):
    with pytest.raises(InputError):
        parse_field(name, typed)


def test_logo_checked_by_content():
    assert check_logo("logo.png", real_png()).mime == "image/png"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>'
    logo = check_logo("logo.SVG", svg)
    assert logo.mime == "image/svg+xml" and len(logo.sha256) == 64


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("logo.png", png_bytes()),  # signature only, no IHDR
        ("logo.png", real_png()[:-12]),  # truncated before IEND
        ("logo.png", b"MZ\x90\x00" + b"\x00" * 200),  # a renamed executable
        ("logo.svg", real_png()),
        ("logo.svg", b"<html><body/></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'),
        (
            "logo.svg",
            b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x.test/a.png"/></svg>',
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(file:///etc/x)"/></svg>',
        ),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "a.css";</style>'),
        ("logo.gif", b"GIF89a"),
        ("logo.png", b""),
        ("logo.png", real_png() + b"\x00" * (1024 * 1024)),
    ],
)
def test_bad_logos_are_refused(filename, data):
    with pytest.raises(InputError):
        check_logo(filename, data)


def test_kop_lines_and_stored_changes():
    unit = load_roster(DEMO_ROSTER).units[0]
    assert government_line(unit) == "Pemerintah Kota Bandung"  # no government: the old default
    assert contact_line(unit) == ""
    logo = check_logo("logo.png", real_png())
    changes = {
        "government": stored_value("government", Government("kabupaten", "Garut")),
        "phone": "0262 123",
        "email": "a@garutkab.go.id",
        "logo": stored_value("logo", logo),
    }
    changed = apply_identity(unit, changes, logo)
    assert government_line(changed) == "Pemerintah Kabupaten Garut"
    assert contact_line(changed) == "Telp. 0262 123 · Pos-el: a@garutkab.go.id"
    assert changed.logo == logo and changed.people == unit.people
    assert apply_identity(changed, {"logo": None}).logo is None


def test_roster_identity_is_checked(tmp_path):
    text = DEMO_ROSTER.read_text(encoding="utf-8")
    head, sep, people = text.partition("[[unit.people]]")
    for extra, error in (
        ('government = "Desa X"\n', "pemerintah daerah"),
        ('logo = "missing.png"\n', "logo"),
        ('logo = "logo.png"\n', "bukan gambar PNG"),
    ):
        (tmp_path / "logo.png").write_bytes(b"not a png")
        path = tmp_path / "roster.toml"
        path.write_text(head + extra + sep + people, encoding="utf-8")
        with pytest.raises(RosterError, match=error):
            load_roster(path)


def test_svg_logo_stays_inside_the_sealed_fetcher():
    """An SVG logo reaching outside renders without fetching: the fetcher refuses it."""
    from tests.test_documents import disposition_context

    evil = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'width="10" height="10"><image xlink:href="file:///etc/passwd" width="10" height="10"/>'
        b"</svg>"
    )
    ctx = disposition_context()
    uri = "data:image/svg+xml;base64," + base64.b64encode(evil).decode()
    ctx["unit"] = replace_unit(ctx["unit"], logo=uri)
    fetcher = SealedURLFetcher()
    pdf = html_to_pdf(render_html("disposition_sheet.html", ctx), url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert uri in fetcher.fetched and "file:///etc/passwd" in fetcher.refused


def replace_unit(unit: dict, **values) -> dict:
    return {**unit, **values}


def test_unit_admin_defaults_to_the_kasubbag():
    unit = load_roster(DEMO_ROSTER).units[0]
    kasubbag = next(p for p in unit.people if p.role.value == "kasubbag")
    assert unit.administrators == [kasubbag]
    member = next(p for p in unit.people if p.role.value == "tim_kerja")
    marked = replace(
        unit,
        people=tuple(replace(p, admin=True) if p is member else p for p in unit.people),
    )
    assert marked.administrators == [replace(member, admin=True)]
    assert not marked.is_admin(kasubbag)


def test_roster_marks_the_unit_administrator(tmp_path):
    text = DEMO_ROSTER.read_text(encoding="utf-8")
    marked = text.replace("telegram_id = 1004\n", "telegram_id = 1004\nadmin = true\n")
    path = tmp_path / "roster.toml"
    path.write_text(marked, encoding="utf-8")
    unit = load_roster(path).units[0]
    assert [p.user_id for p in unit.administrators] == [1004]


def test_every_document_carries_the_kop():
    """The quarterly report and the annual LKj (not only the Lembar Disposisi) show the
    unit's government, contacts, logo, and the city on the date line."""
    from pypdf import PdfReader

    from documents.annual_context import annual_report_context
    from documents.render import render_pdf
    from documents.report_context import disposition_sheet_context, quarterly_report_context
    from tests import test_annual_report as annual_tests
    from tests import test_report_context as quarterly_tests

    logo = check_logo("logo.png", real_png())
    unit = replace(
        quarterly_tests.UNIT,
        city="Soreang",
        government=Government("kabupaten", "Bandung"),
        phone="(022) 5891691",
        logo=logo,
    )
    cycle = quarterly_tests.signed(3)
    quarters = [annual_tests.filed_quarter(tw) for tw in (1, 2, 3, 4)]
    annual = annual_tests.annual_report(quarters, "signed")
    cal, now = quarterly_tests.CALENDAR, quarterly_tests.T_SIGN
    documents = {
        "quarterly": (
            "quarterly_report.html",
            quarterly_report_context(cycle, unit, cal, "signed", now, verification_code=None),
        ),
        "annual": (
            "annual_report.html",
            annual_report_context(unit, 2026, quarters, cal, "signed", now, report=annual),
        ),
        # The Lembar Disposisi carries the same kop (logo and contacts) as the reports.
        "disposition": (
            "disposition_sheet.html",
            disposition_sheet_context(cycle, unit, cal, 0),
        ),
    }
    for name, (template, context) in documents.items():
        reader = PdfReader(io.BytesIO(render_pdf(template, context)))
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert "PEMERINTAH KABUPATEN BANDUNG" in text and "PEMERINTAH KOTA" not in text, name
        assert "Telp. (022) 5891691" in text, name
        assert name == "disposition" or "Soreang," in text, name
        kop_pages = [p for p in reader.pages if "Telp. (022) 5891691" in p.extract_text()]
        assert kop_pages and all(len(p.images) == 1 for p in kop_pages), name

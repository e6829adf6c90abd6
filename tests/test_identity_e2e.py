"""The unit's identity (kop) as data: a Kabupaten in the roster with a logo, changed in chat.

Read back from the rendered PDFs (text) and seen (the page rasterised with pdftoppm: the logo's
colour is where the kop puts it).
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from demo import playbook
from storage.audit import AuditLog
from tests.factories import DEMO_ROSTER, exe_bytes

KABUPATEN = """
government = "Kabupaten Bandung"
phone = "(022) 5891691"
website = "satpolpp.bandungkab.go.id"
logo = "logo.png"
"""
RED, BLUE = (200, 20, 20), (20, 40, 200)
BLUE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="110" viewBox="0 0 100 110">'
    b'<rect x="0" y="0" width="100" height="110" fill="rgb(20,40,200)"/></svg>'
)
EVIL_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>'
)


def png_logo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (100, 110), colour).save(out, format="PNG")
    return out.getvalue()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def kop_colour_share(pdf: bytes, colour: tuple[int, int, int], tmp_path) -> tuple[float, float]:
    """Share of pixels of ``colour`` in the kop's left corner (logo) and below the kop."""
    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", "page.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    image = Image.open(tmp_path / "page.png").convert("RGB")
    width, height = image.size

    def share(box: tuple[int, int, int, int]) -> float:
        raw = image.crop(box).tobytes()
        pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
        near = [p for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, colour, strict=True))]
        return len(near) / len(pixels)

    # The kop sits in the top 15% of an A4 page; the logo left of the centred text.
    left = share((0, 0, width // 4, int(height * 0.15)))
    rest = share((0, int(height * 0.15), width, height))
    return left, rest


@pytest.fixture
def roster_path(tmp_path):
    (tmp_path / "logo.png").write_bytes(png_logo(RED))
    text = DEMO_ROSTER.read_text(encoding="utf-8")
    head, sep, people = text.partition("[[unit.people]]")
    path = tmp_path / "roster.toml"
    path.write_text(
        head.replace('city = "Bandung"', 'city = "Soreang"').replace(
            "Kota Bandung", "Kabupaten Bandung"
        )
        + KABUPATEN
        + "\n"
        + sep
        + people,
        encoding="utf-8",
    )
    return path


async def test_kabupaten_kop_with_logo_from_roster_and_chat(bot, emu, people, tmp_path):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag

    # The roster's Kabupaten and PNG logo are on the first Lembar Disposisi.
    await playbook.start_cycle(people, 3, 2026)
    sheet = (await sekretaris.expect("Lembar Disposisi", document=True)).document.content
    text = pdf_text(sheet)
    assert "PEMERINTAH KABUPATEN BANDUNG" in text and "PEMERINTAH KOTA" not in text
    assert "Telp. (022) 5891691" in text and "Laman: satpolpp.bandungkab.go.id" in text
    red_logo, red_elsewhere = kop_colour_share(sheet, RED, tmp_path)
    assert red_logo > 0.05 and red_elsewhere == 0

    # Only the unit administrator (the Kasubbag here) may change the kop.
    kasat.say("/identitas")
    assert kasubbag.name in (await kasat.expect("hanya dapat diubah oleh pengelola unit")).text

    kasubbag.say("/identitas")
    menu = await kasubbag.expect("Identitas unit (kop surat)")
    assert "Pemerintah daerah: Pemerintah Kabupaten Bandung" in menu.text
    assert "Logo: PNG" in menu.text and "Kota (baris tanggal): Soreang" in menu.text

    # A bad e-mail is refused with a clear message and asked again; a good one is stored.
    await kasubbag.tap("E-mail", menu)
    await kasubbag.expect("alamat e-mail kantor")
    kasubbag.say("bukan alamat")
    await kasubbag.expect("bukan alamat e-mail")
    kasubbag.say("satpolpp@bandungkab.go.id")
    await kasubbag.expect("Mohon periksa kembali")
    await kasubbag.tap("Kirim")
    await kasubbag.expect("E-mail telah diperbarui")

    # The logo: a renamed executable and an SVG reaching for a local file are refused by
    # content; an SVG logo is accepted and replaces the PNG.
    menu = await kasubbag.expect("Identitas unit (kop surat)")
    await kasubbag.tap("Logo", menu)
    await kasubbag.expect("Kirimkan logo")
    kasubbag.upload("logo.png", exe_bytes())
    await kasubbag.expect("bukan gambar PNG")
    kasubbag.upload("logo.svg", EVIL_SVG)
    await kasubbag.expect("bukan gambar SVG")
    kasubbag.upload("logo.gif", b"GIF89a")
    await kasubbag.expect("PNG atau SVG")
    kasubbag.upload("lambang.svg", BLUE_SVG)
    await kasubbag.expect("Mohon periksa kembali")
    await kasubbag.tap("Kirim")
    await kasubbag.expect("Logo telah diperbarui")
    assert "Logo: SVG" in (await kasubbag.expect("Identitas unit (kop surat)")).text

    # Applied without a restart: the next Lembar Disposisi has the new e-mail and logo.
    await playbook.forward(people)
    sheet = (await kasubbag.expect("Lembar Disposisi", document=True)).document.content
    text = pdf_text(sheet)
    assert "PEMERINTAH KABUPATEN BANDUNG" in text
    assert "Pos-el: satpolpp@bandungkab.go.id" in text
    blue_logo, blue_elsewhere = kop_colour_share(sheet, BLUE, tmp_path)
    assert blue_logo > 0.05 and blue_elsewhere == 0
    assert kop_colour_share(sheet, RED, tmp_path)[0] == 0
    if os.environ.get("LKJ_KEEP_KOP"):  # to look at it: LKJ_KEEP_KOP=/some/dir
        (Path(os.environ["LKJ_KEEP_KOP"]) / "kop-kabupaten.pdf").write_bytes(sheet)


async def test_identity_survives_a_restart(runner, emu, people, settings):
    await runner.start()
    kasubbag = people.kasubbag
    kasubbag.say("/identitas")
    await kasubbag.tap("Pemerintah daerah", await kasubbag.expect("Identitas unit"))
    await kasubbag.expect("tingkat dan nama pemerintah daerah")
    kasubbag.say("Desa Sukamaju")
    await kasubbag.expect("tidak dapat dibaca sebagai pemerintah daerah")
    kasubbag.say("Provinsi Jawa Barat")
    await kasubbag.expect("Mohon periksa kembali")
    await kasubbag.tap("Kirim")
    await kasubbag.expect("Pemerintah daerah telah diperbarui")
    await runner.stop()
    await runner.start()
    kasubbag.say("/identitas")
    shown = await kasubbag.expect("Identitas unit")
    assert "Pemerintah daerah: Pemerintah Provinsi Jawa Barat" in shown.text
    assert "Logo: PNG" in shown.text  # the roster's logo, untouched
    # The change is in the unit's audit log: who changed which field to what.
    log = AuditLog.for_unit_year(settings.lkj_data_dir, "satpolpp-bdg", 2026)
    changes = [e for e in log.entries() if e["action"] == "identitas"]
    assert [(e["actor"], e["outcome"], e["detail"]) for e in changes] == [
        (
            1003,
            "accepted",
            {"field": "government", "value": {"level": "provinsi", "name": "Jawa Barat"}},
        )
    ]

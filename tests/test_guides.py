"""The picture guides per role (``lkj-bot guides``), rebuilt from a real run of the demos in
every test run, so they never go stale: each note finds its message, each role sees only its
own chat, and the PDFs read back."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from demo.guides import build_guides


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import asyncio

    output = tmp_path_factory.mktemp("panduan")
    guides = asyncio.run(build_guides(output))
    return output, {g.slug: g for g in guides}


def test_every_role_has_a_guide_whose_notes_all_find_their_message(built):
    output, guides = built
    assert set(guides) == {
        "kasat",
        "sekretaris",
        "kasubbag",
        "tim-kerja",
        "pengelola-unit",
        "pereviu",
    }
    for slug, guide in guides.items():
        assert guide.missing == [], slug
        assert (output / f"{slug}.html").exists() and (output / f"{slug}.pdf").exists()
    index = (output / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{slug}.pdf"' in index for slug in guides)


def test_a_guide_shows_what_that_role_saw_and_did(built):
    output, guides = built
    sekretaris = guides["sekretaris"]
    bot_texts = [b.text for b in sekretaris.bubbles if not b.mine]
    buttons = [label for b in sekretaris.bubbles for row in b.buttons for label in row]
    assert "Teruskan ke Kasubbag" in buttons and "Paraf" in buttons  # as first sent
    assert any(b.pressed == "Paraf" for b in sekretaris.bubbles if b.mine)
    assert any(b.document.startswith("Lembar_Disposisi") for b in sekretaris.bubbles)
    assert not any("Bagi tugas" in label for label in buttons)  # the Kasubbag's, not hers
    assert [s["number"] for s in sekretaris.steps] == [2, 6]
    assert any("Pembagian Tugas" in t for t in [b.text for b in guides["tim-kerja"].bubbles])
    assert any("Pereviu APIP" in t for t in [b.text for b in guides["pereviu"].bubbles])
    assert bot_texts  # the conversation is there


def test_the_pdfs_read_back_with_the_notes_and_the_mini_app(built):
    output, guides = built
    text = "".join(p.extract_text() for p in PdfReader(output / "tim-kerja.pdf").pages)
    assert "Panduan lkj-bot untuk Tim Kerja" in text
    assert "Tugas Anda menurut SOP" in text and "Percakapan Anda dengan bot" in text
    assert "Formulir Mini App" in text  # the screenshot's caption (Chromium is installed)
    assert (output / "miniapp_formulir.png").read_bytes()[:4] == b"\x89PNG"
    kasat = "".join(p.extract_text() for p in PdfReader(output / "kasat.pdf").pages)
    assert "Tandatangani" in kasat

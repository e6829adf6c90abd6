"""The annual LKj says where its default rating scale comes from (Permendagri 86/2017's table of
capaian intervals: 91–100 sangat tinggi, 76–90 tinggi, 66–75 sedang, 51–65 rendah, ≤ 50 sangat
rendah) and how it reads a capaian between two intervals or above 100%: what it says must be
what ``domain.performance.rating`` does with the default bands."""

from __future__ import annotations

import pytest

from documents.annual_context import DEFAULT_SCALE_SOURCE
from domain.performance import DEFAULT_BANDS, rating


def test_the_scale_source_states_the_regulations_intervals() -> None:
    assert "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017" in DEFAULT_SCALE_SOURCE
    for interval in (
        "91–100% sangat tinggi",
        "76–90% tinggi",
        "66–75% sedang",
        "51–65% rendah",
        "sampai dengan 50% sangat rendah",
    ):
        assert interval in DEFAULT_SCALE_SOURCE, interval
    assert "(misalnya 90,5%) dibaca pada kategori yang lebih tinggi" in DEFAULT_SCALE_SOURCE
    assert "di atas 100% termasuk Sangat Baik" in DEFAULT_SCALE_SOURCE


@pytest.mark.parametrize(
    ("percent", "label"),
    [
        # The regulation's interval edges, each named as the scale source says.
        (100, "Sangat Baik"),
        (91, "Sangat Baik"),
        (90, "Baik"),
        (76, "Baik"),
        (75, "Cukup"),
        (66, "Cukup"),
        (65, "Kurang"),
        (51, "Kurang"),
        (50, "Sangat Kurang"),
        (0, "Sangat Kurang"),
        # Between two intervals: the higher one; above 100: the highest.
        (90.5, "Sangat Baik"),
        (75.5, "Baik"),
        (50.5, "Kurang"),
        (120, "Sangat Baik"),
    ],
)
def test_the_default_bands_do_what_the_source_says(percent: float, label: str) -> None:
    assert rating(percent, DEFAULT_BANDS) == label

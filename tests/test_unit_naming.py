"""What a unit's name says: the government on its kop and how its head is addressed."""

from __future__ import annotations

import pytest

from domain.errors import InputError
from domain.identity import government_from_name
from domain.invitations import new_unit
from domain.roles import Role, head_title
from domain.roster import RosterError, parse_roster


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("Dinas Kesehatan Kabupaten Kendal", "Pemerintah Kabupaten Kendal"),
        ("Dinas Pendidikan Kota Bandung", "Pemerintah Kota Bandung"),
        ("Badan Pendapatan Daerah Provinsi Jawa Barat", "Pemerintah Provinsi Jawa Barat"),
        (
            "Satuan Polisi Pamong Praja Kabupaten Bandung Barat",
            "Pemerintah Kabupaten Bandung Barat",
        ),
        ("Dinas Tata Kota Kabupaten Bogor", "Pemerintah Kabupaten Bogor"),  # "Tata Kota"
        ("Dinas Sosial Kab. Garut", "Pemerintah Kabupaten Garut"),
        ("Dinas  Kesehatan   Provinsi DKI Jakarta", "Pemerintah Provinsi DKI Jakarta"),
        ("Inspektorat Daerah Kota Cimahi", "Pemerintah Kota Cimahi"),
    ],
)
def test_the_government_is_read_from_the_units_name(name, line):
    government = government_from_name(name)
    assert government is not None and government.line == line


@pytest.mark.parametrize(
    "name", ["RSUD Soewondo", "Satpol PP KBB", "Dinas Perumahan Rakyat dan Kawasan Permukiman Kota"]
)
def test_a_name_without_a_region_gives_no_government(name):
    assert government_from_name(name) is None


def test_a_new_unit_takes_the_derived_government_or_the_one_given():
    assert new_unit("dinkes", "Dinas Kesehatan Kabupaten Kendal", "Kendal")["government"] == (
        "Kabupaten Kendal"
    )
    given = new_unit("rsud", "RSUD Soewondo", "Kendal", "Kabupaten Kendal")
    assert given["government"] == "Kabupaten Kendal"
    with pytest.raises(InputError, match="bagian keempat"):
        new_unit("rsud", "RSUD Soewondo", "Kendal")
    with pytest.raises(InputError, match="pemerintah daerah"):
        new_unit("rsud", "RSUD Soewondo", "Kendal", "Kecamatan Kendal")


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("Dinas Kesehatan Kabupaten Kendal", "Kepala Dinas"),
        ("Badan Kepegawaian Daerah Kota Bandung", "Kepala Badan"),
        ("Satuan Polisi Pamong Praja Kota Bandung", "Kasat"),
        ("Satpol PP Kabupaten Garut", "Kasat"),
        ("Inspektorat Daerah Kota Cimahi", "Inspektur"),
        ("Kecamatan Coblong", "Camat"),
        ("Kantor Kesatuan Bangsa dan Politik", "Kepala Kantor"),
        ("RSUD Soewondo", "Kepala Unit Kerja"),
    ],
)
def test_the_heads_title_is_read_from_the_units_name(name, head):
    assert head_title(name) == head


def _roster(name: str, labels: dict | None = None):
    unit = {"code": "u", "name": name, "city": "Kendal", "people": []}
    if labels is not None:
        unit["role_labels"] = labels
    return parse_roster({"unit": [unit]}, partial=True).unit("u")


def test_role_labels_come_from_the_unit_and_may_be_set_in_the_roster():
    dinas = _roster("Dinas Kesehatan Kabupaten Kendal")
    assert dinas.role_label(Role.KASAT) == "Kepala Dinas"
    assert dinas.role_label(Role.SEKRETARIS) == "Sekretaris"
    assert dinas.role_label(Role.TIM_KERJA) == "Tim Kerja"
    assert _roster("Satuan Polisi Pamong Praja Kota Bandung").role_label(Role.KASAT) == "Kasat"
    own = _roster("RSUD Soewondo", {"kasat": "Direktur", "sekretaris": "Kepala Bagian Umum"})
    assert own.role_label(Role.KASAT) == "Direktur"
    assert own.role_label(Role.SEKRETARIS) == "Kepala Bagian Umum"
    assert own.role_label(Role.KASUBBAG) == "Kasubbag"
    with pytest.raises(RosterError):
        _roster("RSUD Soewondo", {"kepala": "Direktur"})
    with pytest.raises(RosterError):
        _roster("RSUD Soewondo", {"kasat": "x"})

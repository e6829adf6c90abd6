"""Refusals as the audit log records them (read by the unit and its auditors)."""

from __future__ import annotations

AUDIT_NOT_REGISTERED = "pengguna tidak terdaftar"
AUDIT_NOT_OPERATOR = "bukan operator"
AUDIT_TOO_OFTEN = "terlalu sering (batas pemeriksaan)"
AUDIT_UNAUTHENTICATED_SUMMARY = (
    "panggilan tanpa bukti identitas yang sah ditolak (ringkasan satu jendela waktu)"
)
AUDIT_WEBHOOK_SECRET = "token rahasia webhook salah atau tidak ada"


def audit_stale_button(data: str) -> str:
    return f"tombol tidak berlaku: {data}"


def audit_unknown_code(code: str) -> str:
    return f"kode tidak dikenal: {code}"


def audit_unknown_invitation(code: str) -> str:
    return f"kode undangan tidak dikenal: {code}"


def audit_invitation_state(state: str, code: str) -> str:
    return f"kode undangan {state}: {code}"


def audit_pdf_altered(code: str, sha256: str) -> str:
    return f"PDF diubah: {code} {sha256}"


def audit_pdf_unknown(sha256: str) -> str:
    return f"PDF tidak dikenal: {sha256}"

"""Messages that cannot be delivered yet (a chat not started or blocked), as notes and
/status say it."""

from __future__ import annotations

from domain.roster import Person
from handlers.texts.common import esc


def user_blocked(person: Person) -> str:
    return (
        f"Pesan lkj-bot untuk {esc(person.name)} ({esc(person.label)}) tidak dapat "
        "disampaikan karena yang bersangkutan memblokir bot. Pesan disimpan dan akan "
        "dikirim kembali setelah blokir dibuka; mohon yang bersangkutan dihubungi."
    )


def user_not_started(person: Person, link: str) -> str:
    return (
        f"Pesan lkj-bot untuk {esc(person.name)} ({esc(person.label)}) belum dapat "
        "disampaikan karena yang bersangkutan belum memulai percakapan dengan bot. Mohon "
        f"kirimkan tautan ini kepada yang bersangkutan: {link} lalu minta ia menekan "
        "<b>Mulai</b>. Pesan disimpan dan dikirim segera setelah itu, sesuai urutannya."
    )


# Why a chat cannot take messages now (storage.chats' states), as /status and notes say it.
REASON_NOT_STARTED = "belum memulai percakapan dengan bot"
REASON_BLOCKED = "memblokir bot"
REASON_RETRYING = "menunggu pengiriman ulang"


def waiting_line(person: Person, reason: str, count: int | None = None) -> str:
    many = f": {count} pesan" if count is not None else ""
    return f"• {esc(person.name)} ({esc(person.label)}){many} — {reason}"


def not_delivered_yet(lines: list[str], link: str) -> str:
    return (
        "Belum dapat disampaikan kepada:\n"
        + "\n".join(lines)
        + "\nPesannya disimpan dan dikirim segera setelah yang bersangkutan memulai "
        f"percakapan dengan bot ({link}) atau membuka blokir."
    )


def status_waiting(lines: list[str], link: str) -> str:
    """The administrator's /status: every message still waiting, per person."""
    return (
        "<b>Pesan yang belum tersampaikan</b>\n"
        + "\n".join(lines)
        + f"\nTautan bot untuk dikirimkan kepada yang belum memulai percakapan: {link}"
    )

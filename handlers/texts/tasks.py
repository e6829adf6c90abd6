"""Open tasks, status and reminders (handlers/tasks.py, views.py, reminders.py)."""

from __future__ import annotations

from handlers.texts.common import deadline_line, esc


def annual_task(title: str) -> str:
    return f"<b>{esc(title)}</b> — menunggu tindakan Anda."


HOW_TO_GO_ON = (
    "Ketik /status untuk melihat posisi laporan dan tugas Anda, atau /bantuan untuk petunjuk."
)


def task_mine(number: int, activity: str) -> str:
    return f"tugas Anda pada tahap {number}: {esc(activity)}."


def task_theirs(number: int, activity: str, role_label: str) -> str:
    return f"tahap {number}: {esc(activity)} ({role_label})."


def time_left(amount: str, late: bool) -> str:
    return f"TERLAMBAT {amount}" if late else f"sisa waktu kerja {amount}"


def item_lacks(missing: str) -> str:
    return f" (kurang: {esc(missing)})"


def member_lacks(name: str, missing: str) -> str:
    return f"• {name}: belum ada {esc(missing)}"


def member_done(name: str) -> str:
    return f"• {name}: lengkap"


def as_holders_copy(text: str) -> str:
    """A task message as the absent holder's copy: the task is the stand-in's now."""
    return text.replace("Tugas Anda", "Tugas")


def cycle_status_lines(
    period: str, number: int, activity: str, names: str, role_label: str
) -> list[str]:
    return [
        f"<b>{period}</b>",
        f"Tahap {number}: {esc(activity)}",
        f"Pemegang: {esc(names)} ({role_label})",
    ]


def status_deadline(when: str, left: str) -> str:
    return f"Batas waktu: {when} ({left})"


def status_collection(missing: str) -> str:
    return "Pengumpulan data:\n" + missing


def collection_detail(missing: str) -> str:
    return f"\n\nStatus pengumpulan data:\n{missing}"


def reminder(period: str, number: int, activity: str, deadline: str, left: str, detail: str) -> str:
    return (
        f"<b>Pengingat — {period}</b>\nTugas Anda pada tahap {number} "
        f"({esc(activity)}) belum selesai.\n{deadline_line(deadline, left)}{detail}"
    )


def at_deadline(period: str, number: int, activity: str, deadline: str, detail: str) -> str:
    return (
        f"<b>Batas waktu terlampaui — {period}</b>\nTugas tahap {number} "
        f"({esc(activity)}) telah melewati batas waktu {deadline}. Mohon segera "
        f"diselesaikan; keterlambatan ini dilaporkan kepada atasan.{detail}"
    )


def escalation(
    period: str,
    number: int,
    activity: str,
    names: str,
    role_label: str,
    deadline: str,
    left: str,
    detail: str,
) -> str:
    return (
        f"<b>Eskalasi keterlambatan — {period}</b>\nTahap {number} ({esc(activity)}) "
        f"yang dipegang oleh {esc(names)} ({role_label}) telah melewati batas waktu "
        f"{deadline} ({left}). Mohon arahan dan tindak lanjut Bapak/Ibu.{detail}"
    )


def morning_digest_head(when: str) -> str:
    return f"<b>Ringkasan pagi — {when}</b>\nTugas yang masih terbuka pada unit kerja Anda:\n\n"

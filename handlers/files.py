"""Receiving a document from chat: size and name checked before download, content after."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from domain.errors import InputError
from domain.identity import check_logo, check_logo_declared
from domain.models import FileRef
from domain.roster import Person
from domain.text import display_filename
from domain.uploads import check_content, check_declared
from handlers.common import svc

LOGO_KIND = "logo"


async def download_checked(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str
) -> tuple[str, bytes, str]:
    """Download the message's document after checking its name and size, then check its
    content: (name, bytes, mime). Raises InputError when refused; nothing is stored.

    ``kind`` "logo" accepts a PNG or SVG kop logo (domain/identity.py) instead of data files.
    """
    services = svc(context)
    document = update.effective_message.document
    if document is None:
        raise InputError("Pesan ini tidak memuat berkas dokumen.")
    limit = services.settings.max_upload_bytes
    name = display_filename(document.file_name)
    if kind == LOGO_KIND:
        check_logo_declared(name, document.file_size)
    else:
        check_declared(name, document.file_size, limit)
    try:
        tg_file = await context.bot.get_file(document.file_id)
        data = bytes(await tg_file.download_as_bytearray())
    except BadRequest as exc:
        raise InputError(
            f"Berkas “{name}” tidak dapat diunduh dari Telegram ({exc.message})."
        ) from exc
    mime = (
        check_logo(name, data).mime if kind == LOGO_KIND else check_content(name, data, limit).mime
    )
    return name, data, mime


async def receive_document(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person, kind: str
) -> FileRef:
    """Download, check and store the message's document; raises InputError when refused."""
    services = svc(context)
    name, data, mime = await download_checked(update, context, kind)
    sha = services.db.blobs.put(data)
    return FileRef(
        sha256=sha,
        name=name,
        size=len(data),
        mime=mime,
        uploaded_by=person.user_id,
        uploaded_at=services.now(),
        kind=kind,
    )

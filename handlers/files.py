"""Receiving a document from chat: size and name checked before download, content after."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from documents.uploads import check_content
from domain.errors import InputError
from domain.identity import check_logo, check_logo_declared
from domain.models import FileRef
from domain.roster import Person
from domain.text import display_filename
from domain.uploads import check_declared
from handlers import texts
from handlers.common import svc

LOGO_KIND = "logo"


def is_photo(update: Update) -> bool:
    """A picture sent the normal phone way (compressed by Telegram), not as a file."""
    message = update.effective_message
    return bool(message and message.photo and message.document is None)


async def download_checked(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str
) -> tuple[str, bytes, str]:
    """Download the message's document (or photo) after checking its name and size, then
    check its content: (name, bytes, mime). Raises InputError when refused; nothing is
    stored. A photo has no file name: it is named after the time it arrived (JPG).

    ``kind`` "logo" accepts a PNG or SVG kop logo (domain/identity.py) instead of data files.
    """
    services = svc(context)
    message = update.effective_message
    if message is None:
        raise InputError(texts.NO_DOCUMENT_IN_MESSAGE)
    document = message.document or (message.photo[-1] if message.photo else None)
    if document is None:
        raise InputError(texts.NO_DOCUMENT_IN_MESSAGE)
    limit = services.settings.max_upload_bytes
    if message.document is not None:
        name = display_filename(message.document.file_name)
    else:
        stamp = _local_now(update, context).strftime("%Y%m%d_%H%M%S")
        name = f"foto_{stamp}.jpg"
    if kind == LOGO_KIND:
        check_logo_declared(name, document.file_size)
    else:
        check_declared(name, document.file_size, limit)
    try:
        tg_file = await context.bot.get_file(document.file_id)
        data = bytes(await tg_file.download_as_bytearray())
    except BadRequest as exc:
        raise InputError(texts.download_failed(name, exc.message)) from exc
    mime = (
        check_logo(name, data).mime if kind == LOGO_KIND else check_content(name, data, limit).mime
    )
    return name, data, mime


def _local_now(update: Update, context: ContextTypes.DEFAULT_TYPE):
    """Now in the sender's unit's time zone (a photo's name), or as the clock gives it."""
    services = svc(context)
    user = update.effective_user
    person = services.roster.person(user.id) if user else None
    if person is None:
        return services.now()
    return services.calendar(services.roster.unit(person.unit)).to_local(services.now())


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

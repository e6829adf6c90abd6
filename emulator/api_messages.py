"""Bot API methods that create, edit or delete messages."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, bad_request
from .markup import validate_markup
from .models import Chat, Edit, SentDocument, SentMessage, StoredFile
from .params import Upload
from .text import format_text
from .world import World

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}

Params = dict[str, Any]
Files = dict[str, Upload]


def _text(w: World, p: Params) -> tuple[str, str, list[dict]]:
    raw = p.get("text")
    if raw is None or str(raw) == "":
        raise bad_request("message text is empty")
    text, entities = format_text(str(raw), p.get("parse_mode"), p.get("entities"), w.strict_html)
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return str(raw), text, entities


def _caption(w: World, p: Params) -> tuple[str, str, list[dict]]:
    raw = str(p.get("caption") or "")
    if not raw:
        return "", "", []
    text, entities = format_text(raw, p.get("parse_mode"), p.get("caption_entities"), w.strict_html)
    if len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return raw, text, entities


def _reply_to(w: World, chat: Chat, p: Params) -> int | None:
    params = p.get("reply_parameters")
    allow = bool(p.get("allow_sending_without_reply"))
    if isinstance(params, dict):
        message_id = params.get("message_id")
        allow = bool(params.get("allow_sending_without_reply", allow))
    else:
        message_id = p.get("reply_to_message_id")
    if message_id is None:
        return None
    if w.find_message(chat, int(message_id)) is not None:
        return int(message_id)
    if allow:
        return None
    raise bad_request("message to be replied not found")


def _new_sent(
    w: World, chat: Chat, p: Params, raw: str, text: str, ents: list[dict]
) -> SentMessage:
    markup = validate_markup(p.get("reply_markup"))
    return SentMessage(
        message_id=0,
        chat_id=chat.id,
        date=w.now(),
        text=text,
        first_text=text,
        html=raw,
        entities=ents,
        parse_mode=p.get("parse_mode"),
        markup=markup,
        first_markup=markup,
        reply_to_message_id=_reply_to(w, chat, p),
        disable_notification=bool(p.get("disable_notification")),
        protect_content=bool(p.get("protect_content")),
        link_preview_options=p.get("link_preview_options"),
    )


def _publish(w: World, chat: Chat, sent: SentMessage) -> dict:
    sent.message_id = chat.take_message_id()
    w.add_sent(chat, sent)
    return w.bot_message_dict(chat, sent)


async def send_message(w: World, p: Params, files: Files) -> Any:
    chat = w.chat_for_bot(p.get("chat_id"))
    raw, text, ents = _text(w, p)
    return _publish(w, chat, _new_sent(w, chat, p, raw, text, ents))


def _document_input(w: World, p: Params, files: Files) -> StoredFile:
    value = p.get("document")
    upload = files.get("document")
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value[len("attach://") :])
    if upload is not None:
        if not upload.content:
            raise bad_request("file must be non-empty")
        if len(upload.content) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        return w.store_file(upload.filename, upload.content, upload.mime_type)
    if not value:
        raise bad_request("there is no document in the request")
    if str(value).lower().startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = w.files.get(str(value))
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


async def send_document(w: World, p: Params, files: Files) -> Any:
    chat = w.chat_for_bot(p.get("chat_id"))
    stored = _document_input(w, p, files)
    raw, text, ents = _caption(w, p)
    sent = _new_sent(w, chat, p, raw, text, ents)
    sent.document = SentDocument(
        stored.file_name, stored.content, stored.mime_type, stored.file_id, stored.file_size
    )
    return _publish(w, chat, sent)


async def send_chat_action(w: World, p: Params, files: Files) -> Any:
    chat = w.chat_for_bot(p.get("chat_id"))
    action = p.get("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append(str(action))
    return True


def _editable(w: World, p: Params) -> tuple[Chat, SentMessage]:
    if p.get("inline_message_id"):
        raise bad_request("message to edit not found")
    chat = w.chat_for_bot(p.get("chat_id"), sending=False)
    if p.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    message_id = int(p["message_id"])
    if message_id in chat.user_messages:
        raise bad_request("message can't be edited")
    sent = chat.bot_messages.get(message_id)
    if sent is None or sent.deleted:
        raise bad_request("message to edit not found")
    return chat, sent


def _inline(markup: dict | None) -> dict | None:
    return markup if markup and "inline_keyboard" in markup else None


def _apply_edit(
    w: World,
    chat: Chat,
    sent: SentMessage,
    method: str,
    raw: str,
    text: str,
    ents: list[dict],
    markup: dict | None,
) -> dict:
    if text == sent.text and ents == sent.entities and markup == _inline(sent.markup):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    sent.text, sent.html, sent.entities, sent.markup = text, raw, ents, markup
    sent.edit_date = w.now()
    sent.edits.append(Edit(method, text, raw, sent.reply_markup, sent.edit_date))
    chat.changed.fire()
    return w.bot_message_dict(chat, sent)


async def edit_message_text(w: World, p: Params, files: Files) -> Any:
    chat, sent = _editable(w, p)
    if sent.document:
        raise bad_request("there is no text in the message to edit")
    raw, text, ents = _text(w, p)
    markup = validate_markup(p.get("reply_markup"), inline_only=True)
    return _apply_edit(w, chat, sent, "editMessageText", raw, text, ents, markup)


async def edit_message_caption(w: World, p: Params, files: Files) -> Any:
    chat, sent = _editable(w, p)
    if not sent.document:
        raise bad_request("there is no caption in the message to edit")
    raw, text, ents = _caption(w, p)
    markup = validate_markup(p.get("reply_markup"), inline_only=True)
    return _apply_edit(w, chat, sent, "editMessageCaption", raw, text, ents, markup)


async def edit_message_reply_markup(w: World, p: Params, files: Files) -> Any:
    chat, sent = _editable(w, p)
    markup = validate_markup(p.get("reply_markup"), inline_only=True)
    return _apply_edit(
        w, chat, sent, "editMessageReplyMarkup", sent.html, sent.text, sent.entities, markup
    )


def _delete(w: World, chat: Chat, message_id: int) -> bool:
    if message_id in chat.user_messages:
        del chat.user_messages[message_id]
        chat.deleted_user_messages.append(message_id)
        return True
    sent = chat.bot_messages.get(message_id)
    if sent is None or sent.deleted:
        return False
    sent.deleted = True
    chat.changed.fire()
    return True


async def delete_message(w: World, p: Params, files: Files) -> Any:
    chat = w.chat_for_bot(p.get("chat_id"), sending=False)
    if p.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    if not _delete(w, chat, int(p["message_id"])):
        raise bad_request("message to delete not found")
    return True


async def delete_messages(w: World, p: Params, files: Files) -> Any:
    chat = w.chat_for_bot(p.get("chat_id"), sending=False)
    ids = p.get("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids is invalid")
    for message_id in ids:
        _delete(w, chat, int(message_id))
    return True

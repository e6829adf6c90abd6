"""The Mini App's signing page (webapp/static/ttd.html): the Kasat (or the Plh) types the
passphrase of the certified electronic signature there, so it never enters the chat history.

``sign_view`` says what is about to be signed and whether the person may sign it now;
``sign`` signs: the SAME use case as the chat's "Ya, tandatangani" (``app.approval.sign``,
through the report's flow), with the passphrase handed to the signer for this one signature
through ``handlers.tte.PASSPHRASE`` (a context variable, reset at once). The passphrase is
never stored, never logged and never put in an answer or a refusal: a refused signature
(wrong passphrase, expired or revoked certificate, BSrE unreachable) answers the Indonesian
reason, files nothing and leaves the step open, so the page may try again. Who may sign is
what the chat's button checks (the SOP table's signing step, its stand-in, the separation
of duties); a report already signed is answered politely and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from app import approval as use
from app.button_codec import group_key
from app.services import Services
from domain import segregation
from domain.dates_id import format_datetime_id
from domain.errors import InputError, RoleError, WorkflowError
from domain.roster import Person, Unit
from domain.sop import PARAF, SIGN
from handlers import annual, texts, tte
from handlers.approval import ReportFlow
from handlers.common import drop_markup, load_cycle, unit_of
from handlers.notices import notices
from handlers.outbox import deliver_to
from handlers.quarterly import QUARTER

log = logging.getLogger(__name__)

#: Longer than any passphrase or TOTP; a longer field is refused unread.
MAX_PASSPHRASE = 256
#: What the page says of the certificate, by LKJ_TTE_MODE.
CERTIFICATES = {"bsre": texts.TTE_PAGE_BSRE, "local": texts.TTE_PAGE_LOCAL}


def _target(services: Services, person: Person, body: dict[str, Any]):
    """The report the page names (a quarter of the person's unit by ``siklus``, or the
    annual LKj of ``tahunan``) with its flow."""
    unit = unit_of(services, person)
    flow: ReportFlow
    report: Any
    year = str(body.get("tahunan") or "")
    if year:
        if not year.isdigit() or len(year) != 4:
            raise InputError(texts.WEBAPP_BAD_REQUEST)
        report = services.annual.get(unit.code, int(year))
        flow = annual.FLOW
    else:
        try:
            report = load_cycle(services, str(body.get("siklus", "")))
        except ValueError:
            report = None
        if report is not None and report.unit != unit.code:
            report = None
        flow = QUARTER
    if report is None or report.latest_report is None:
        raise RoleError(texts.WEBAPP_NOT_YOURS)
    return flow, unit, report


def _signed(services: Services, unit: Unit, report: Any, person: Person) -> bool:
    """Whether the report is signed already (said only to one who acts as its signer)."""
    if report.latest_report.status != "signed":
        return False
    if not person.acts_as(services.sop_for(unit).role_of(SIGN)):
        raise RoleError(texts.WEBAPP_NOT_YOURS)
    return True


def _act(services: Services, flow: ReportFlow, unit: Unit, report: Any, person: Person) -> str:
    """The act the page makes now: SIGN, or PARAF where LKJ_TTE_PARAF signs the paraf too.
    Refuses (DomainError) unless ``person`` may take it now, as the chat checks."""
    key = flow.stage(services.sop_for(unit), report)
    if key != PARAF or not tte.paraf_signed(services):
        key = SIGN
    flow.authorize(services, unit, report, key, person)
    segregation.check_act(services.sop_for(unit), report, key, person, flow.kind.maker)
    if not tte.wants_passphrase(services):
        raise InputError(texts.TTE_PAGE_NOT_NEEDED)
    return key


def sign_view(services: Services, person: Person, body: dict[str, Any]) -> dict[str, Any]:
    """What the page shows: the report, its version and who signs, or that it is signed."""
    flow, unit, report = _target(services, person, body)
    latest = report.latest_report
    view = _view(services, flow, unit, report, person, signed=False)
    if _signed(services, unit, report, person):
        return {**view, "signed": True, "message": texts.TTE_PAGE_ALREADY_SIGNED}
    key = _act(services, flow, unit, report, person)
    tz = services.calendar(unit).tz
    return {
        **view,
        "act": "paraf" if key == PARAF else "sign",
        "since": format_datetime_id(latest.at, tz),
    }


async def sign(
    services: Services, bot: Bot, person: Person, body: dict[str, Any]
) -> dict[str, Any]:
    """Sign with the passphrase typed in the page (the chat's own use case)."""
    flow, unit, report = _target(services, person, body)
    if _signed(services, unit, report, person):
        raise WorkflowError(texts.TTE_PAGE_ALREADY_SIGNED)
    key = _act(services, flow, unit, report, person)
    secret = body.get("passphrase")
    if not isinstance(secret, str) or len(secret) > MAX_PASSPHRASE:
        raise InputError(texts.WEBAPP_BAD_REQUEST)
    secret = secret.strip()
    if not secret:
        raise InputError(texts.TTE_PAGE_EMPTY)
    try:
        version = int(body.get("versi", 0))
    except (TypeError, ValueError) as exc:
        raise InputError(texts.WEBAPP_BAD_REQUEST) from exc
    args = flow.args(report, "decide")
    payload = {**args, "version": version, "step": services.sop_for(unit).by_key(key).number}
    act = use.paraf if key == PARAF else use.sign
    token = tte.PASSPHRASE.set(secret)
    try:
        decision = await act(services, notices, flow, person, payload, None)
    finally:
        tte.PASSPHRASE.reset(token)
        del secret
    await deliver_to(bot, services, *flow.queue(decision.after))
    # The chat's offer of this step ("Tandatangani" / "🔏 Ya, tandatangani") is spent: its
    # buttons are edited away, as after the chat's own signature.
    for chat_id, message_id in services.offers.take(group_key(args["group"])):
        try:
            await drop_markup(bot, chat_id, message_id)
        except TelegramError as exc:  # the buttons no longer act anyway (revoked)
            log.warning("buttons of %s/%s not edited away: %s", chat_id, message_id, exc)
    done = texts.TTE_PAGE_PARAF_DONE if key == PARAF else texts.TTE_PAGE_SIGNED
    return {"message": done, "view": _after(services, flow, unit, person, body)}


def _after(services: Services, flow: ReportFlow, unit: Unit, person: Person, body) -> dict:
    """The page after the act: the report as signed, or, after a paraf, nothing more to do."""
    _, _, report = _target(services, person, body)
    return _view(services, flow, unit, report, person, signed=True)


def _view(
    services: Services, flow: ReportFlow, unit: Unit, report, person: Person, *, signed: bool
) -> dict[str, Any]:
    """The page's account of a report: which, whose unit, its latest version, who signs."""
    return {
        "title": flow.title(report),
        "unit": unit.name,
        "version": report.latest_report.number,
        "signer": person.name,
        "nip": person.nip,
        "certificate": CERTIFICATES.get(services.settings.lkj_tte_mode, ""),
        "signed": signed,
        "message": "",
    }

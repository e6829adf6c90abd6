"""The year's close in chat: the form that takes an answer (Isi alasan), Lewati, and the
checks of its fields. The answer itself is ``app.annual_answers.answer``; the questions and
notices are worded in ``handlers.annual_questions``."""

from __future__ import annotations

from typing import Any

from telegram import Update

from app import annual_answers as use
from domain.errors import InputError, WorkflowError
from domain.performance import format_number_id, parse_number_id
from domain.roster import Person
from handlers import texts
from handlers.annual import FLOW
from handlers.common import drop_buttons, send_text, svc, unit_of
from handlers.forms import begin_form, number_field, text_field
from handlers.notices import notices

FORM = "annual_answer"

#: Why a reason is refused, by ``app.annual_answers``'s problem.
REASON_REFUSALS = {
    use.EMPTY: texts.ANNUAL_REASON_EMPTY,
    use.SHORT: texts.ANNUAL_REASON_SHORT,
    use.NUMBERS: texts.ANNUAL_REASON_NUMBERS,
    use.RATIO: texts.ANNUAL_RATIO_NEEDED,
}


def _worded(exc: Exception, code: str) -> Exception:
    """The app's refusals in the chat's words (the domain's own pass as they are)."""
    if isinstance(exc, use.BadAnswer):
        return InputError(REASON_REFUSALS[exc.problem])
    if isinstance(exc, use.NoQuestion):
        return InputError(texts.ANNUAL_QUESTION_GONE)
    if isinstance(exc, use.NotYours):
        return WorkflowError(texts.annual_not_your_question(code))
    return exc


async def annual_answer_begin(update: Update, context, person: Person, payload: dict) -> str:
    """Isi alasan / Jawab: the form asking the reason, the action and, for an indicator
    counted as a ratio, the year's numerator and denominator."""
    services = svc(context)
    unit = unit_of(services, person)
    year, code = int(payload["year"]), str(payload["code"])
    try:
        question = use.find(services, unit, person, year, code)
    except (use.NoQuestion, use.NotYours) as exc:
        raise _worded(exc, code) from exc
    fields = [
        {
            **text_field(
                "reason",
                texts.LABEL_ANNUAL_REASON,
                texts.ask_annual_reason(code, question.exceeded),
            ),
            "validate": "annual_reason",
        },
        {
            **text_field("action", texts.LABEL_ANNUAL_ACTION, texts.ASK_ANNUAL_ACTION),
            "validate": "annual_action",
        },
    ]
    if question.ratio:
        fields += [
            number_field(
                "numerator", texts.LABEL_ANNUAL_NUMERATOR, texts.ask_annual_numerator(code)
            ),
            {
                **text_field(
                    "denominator",
                    texts.LABEL_ANNUAL_DENOMINATOR,
                    texts.ask_annual_denominator(code),
                ),
                "validate": "annual_denominator",
            },
        ]
    await drop_buttons(update)
    title = texts.annual_answer_title(code, year)
    await begin_form(context, person, FORM, fields, title, meta={"year": year, "code": code})
    return ""


async def annual_answer_skip(update: Update, context, person: Person, payload: dict) -> str:
    """Lewati: the question stays open (in /start) for later; nothing is recorded."""
    await drop_buttons(update)
    await send_text(context, person.user_id, texts.annual_skipped(str(payload["code"])))
    return ""


async def finish_annual_answer(update: Update, context, person: Person, session: dict) -> None:
    meta, values = session["meta"], session["values"]
    code = meta["code"]
    try:
        decision = use.answer(
            svc(context),
            notices,
            person,
            int(meta["year"]),
            code,
            values["reason"],
            values.get("action", ""),
            _number(values.get("numerator")),
            _number(values.get("denominator")),
            update.update_id,
        )
    except (use.BadAnswer, use.NoQuestion, use.NotYours) as exc:
        raise _worded(exc, code) from exc
    await FLOW.deliver(context, decision.after)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# --- the fields' checks (named by ``validate``; handlers/routes.py) --------------------------


def read_reason(text: str) -> tuple[str, str]:
    problem = use.reason_problem(text)
    if problem is not None:
        raise InputError(REASON_REFUSALS[problem])
    text = " ".join(text.split())
    return text, text


def read_action(text: str) -> tuple[str, str]:
    """The action taken or planned; "-" for none."""
    if text.strip(" -–—.") == "":
        return "", texts.ANNUAL_NO_ACTION
    text = " ".join(text.split())
    return text, text


def read_denominator(text: str) -> tuple[float, str]:
    try:
        number = parse_number_id(text)
    except ValueError:
        number = None
    if number is None or number < 0:
        raise InputError(texts.EXPECT_NUMBER.format(text=text))
    if number == 0:
        raise InputError(texts.ANNUAL_DENOMINATOR_ZERO)
    return number, format_number_id(number)


TEXT_CHECKS = {
    "annual_reason": read_reason,
    "annual_action": read_action,
    "annual_denominator": read_denominator,
}

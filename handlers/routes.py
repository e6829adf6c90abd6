"""Every command, button action and form finisher of the bot, in one table.

To know what a button or a command does, look it up here: nothing registers itself when its
module is imported. ``handlers/registry.py`` builds the PTB handlers from ``ROUTES`` and keeps
it in ``bot_data`` (``handlers.routing.routes_of``); tests/test_routes.py checks that every
action a button can carry and every form a session can hold has its entry.
"""

from __future__ import annotations

from handlers import (
    annual,
    annual_answers,
    approval,
    budget,
    commands,
    cycle,
    evidence,
    export,
    forms,
    identity,
    invitations,
    onboarding,
    pantau_link,
    pemda,
    quarterly,
    realisation,
    staff,
    standins,
    targets,
    tte_chat,
    verification,
)
from handlers.routing import (
    ButtonAction,
    Command,
    DocumentCheck,
    Finisher,
    FormTextCheck,
    GuestAction,
    ImpliedToggle,
    Routes,
    SessionHandler,
    TextCheck,
)

QUARTER = quarterly.QUARTER
ANNUAL = annual.FLOW
TARGETS = targets.TARGETS
BUDGET = budget.BUDGET

#: The commands of a private chat, in the order they are tried.
COMMANDS: tuple[Command, ...] = (
    Command(("start",), onboarding.on_start, members_only=False),
    Command(
        ("bantuan", "help"),
        pemda.for_member_or_evaluator(commands.cmd_help, pemda.cmd_help),
        members_only=False,
    ),
    Command(
        ("status",),
        pemda.for_member_or_evaluator(commands.cmd_status, pemda.cmd_pantau),
        members_only=False,
    ),
    Command(
        ("pantau",),
        pemda.for_member_or_evaluator(pemda.not_evaluator, pemda.cmd_pantau),
        members_only=False,
    ),
    Command(("mulai",), invitations.complete_unit_only(cycle.cmd_mulai)),
    Command(("arsip",), cycle.cmd_arsip),
    Command(("batal",), commands.cmd_cancel),
    Command(("target",), targets.cmd_target),
    Command(("tahunan",), annual.cmd_tahunan),
    Command(("anggaran",), budget.cmd_anggaran),
    # A unit's member exports the unit, a pemda's evaluator the whole pemda.
    Command(("ekspor",), export.cmd_ekspor_any, members_only=False),
    Command(("verifikasi",), onboarding.on_verifikasi, members_only=False),
    Command(("identitas",), identity.cmd_identitas),
    Command(("undang",), invitations.cmd_undang),
    Command(("undangan",), invitations.cmd_undangan),
    Command(("mutasi",), staff.cmd_mutasi),
    Command(("plh",), standins.cmd_plh),
    Command(("unit_baru",), invitations.cmd_unit_baru, members_only=False),
    Command(("undang_evaluator",), pemda.cmd_undang_evaluator, members_only=False),
    Command(("undangan_evaluator",), pemda.cmd_undangan_evaluator, members_only=False),
    Command(("bukti",), evidence.cmd_bukti),
    Command(("tautan_pantau",), pantau_link.cmd_tautan_pantau, members_only=False),
)

#: Button actions an official's press may name (the payload's "action").
BUTTONS: dict[str, ButtonAction] = {
    # A form's own buttons (handlers/forms.py).
    "form_choice": forms.on_form_button,
    "form_toggle": forms.on_form_button,
    "form_submit": forms.on_form_button,
    "form_cancel": forms.on_form_button,
    # The quarter: forward, divide, the realisation, the draft, the archive.
    "forward_begin": cycle.forward_begin,
    "divide_begin": cycle.divide_begin,
    "upload_item": cycle.upload_item,
    "upload_cancel": cycle.upload_cancel,
    "draft_build": cycle.draft_build,
    "archive_get": cycle.archive_get,
    "realisation_begin": realisation.realisation_begin,
    "fix_begin": realisation.fix_begin,
    "fix_marked": realisation.fix_marked,
    "evidence_remove": evidence.evidence_remove,
    "evidence_replace": evidence.evidence_replace,
    # The quarterly report's approval (names: handlers.quarterly.ACTIONS).
    "submit": approval.bound(QUARTER, approval.submit),
    "paraf": approval.bound(QUARTER, approval.paraf),
    "sign_ask": approval.bound(QUARTER, approval.sign_ask),
    "sign_cancel": approval.bound(QUARTER, approval.sign_cancel),
    "sign_confirm": approval.bound(QUARTER, approval.sign_confirm),
    "return_begin": approval.bound(QUARTER, approval.return_begin),
    # The annual LKj (names: handlers.annual.ACTIONS).
    "annual_compile": annual.annual_compile,
    "archive_annual": annual.archive_annual,
    "annual_submit": approval.bound(ANNUAL, approval.submit),
    "annual_paraf": approval.bound(ANNUAL, approval.paraf),
    "annual_sign_ask": approval.bound(ANNUAL, approval.sign_ask),
    "annual_sign_cancel": approval.bound(ANNUAL, approval.sign_cancel),
    "annual_sign": approval.bound(ANNUAL, approval.sign_confirm),
    "annual_return_begin": approval.bound(ANNUAL, approval.return_begin),
    # The year's close: why an indicator missed or exceeded (handlers/annual_answers.py).
    "annual_answer_begin": annual_answers.annual_answer_begin,
    "annual_answer_skip": annual_answers.annual_answer_skip,
    # The year's workbooks (handlers/yearly_workbooks.py: "<name>_template" …).
    "target_template": TARGETS.send_template,
    "target_download": TARGETS.send_stored,
    "target_upload": TARGETS.begin_upload,
    "budget_template": BUDGET.send_template,
    "budget_download": BUDGET.send_stored,
    "budget_upload": BUDGET.begin_upload,
    "export_get": export.export_get,
    # The unit: its kop, invitations, mutasi, stand-ins.
    "identity_edit": identity.on_edit,
    "identity_remove_logo": identity.on_remove_logo,
    "invite_role": invitations.on_role,
    "invite_mode": invitations.on_mode,
    "invite_revoke": invitations.on_revoke,
    # Evaluator invitations, pressed by an operator who is also a unit's member.
    "evaluator_invite": pemda.as_member_button(pemda.on_invite),
    "evaluator_revoke": pemda.as_member_button(pemda.on_revoke),
    "task_move": staff.on_move,
    "task_move_to": staff.on_move_to,
    "staff_replace": staff.on_replace,
    "staff_remove": staff.on_remove,
    "staff_remove_ok": staff.on_remove_ok,
    "standin_new": standins.on_new,
    "standin_end": standins.on_end,
}

#: Buttons someone outside every unit may press (an invitation's Terima / Tolak; a pemda's
#: evaluator's /pantau; the operator's evaluator invitations): each checks who presses.
GUEST_BUTTONS: dict[str, GuestAction] = {
    "invite_accept": invitations.on_guest_button,
    "invite_decline": invitations.on_guest_button,
    "invite_register": invitations.on_guest_button,
    # A pemda's evaluator (no unit's member) choosing the period of the pemda's export.
    "pemda_export_get": export.pemda_export_get,
    "evaluator_accept": pemda.on_guest_button,
    "evaluator_decline": pemda.on_guest_button,
    "evaluator_register": pemda.on_guest_button,
    "pemda_unit": pemda.on_unit,
    "pemda_list": pemda.on_list,
    "evaluator_invite": pemda.on_invite,
    "evaluator_revoke": pemda.on_revoke,
}

#: What Kirim does, by the form a session holds (``handlers.forms.begin_form``'s ``form``).
FINISHERS: dict[str, Finisher] = {
    "start": cycle.finish_start,
    "forward": cycle.finish_forward,
    "divide": cycle.finish_divide,
    "realisation": realisation.finish_realisation,
    "realisation_workbook": realisation.finish_realisation_workbook,
    "fix_marked": realisation.finish_fix_marked,
    "needs_fix": realisation.finish_needs_fix,
    "evidence_remove": evidence.finish_evidence_remove,
    "evidence_replace": evidence.finish_evidence_replace,
    "return": approval.bound(QUARTER, approval.finish_return),
    "annual_return": approval.bound(ANNUAL, approval.finish_return),
    annual_answers.FORM: annual_answers.finish_annual_answer,
    "targets": TARGETS.finish_upload,
    "budget": BUDGET.finish_upload,
    "verify_pdf": verification.finish_verify_pdf,
    identity.FORM: identity.finish_identity,
    "invite": invitations.finish_invite,
    "standin": standins.finish_standin,
}

#: Sessions that are not a form with a Kirim: each is answered by its own message handler.
OTHER_SESSIONS: dict[str, SessionHandler] = {
    tte_chat.FORM: tte_chat.on_text,  # a signer's passphrase (its own handler group)
    invitations.GUEST_FORM: invitations.on_guest_text,  # an invitee's name, NIP, jabatan
    pemda.GUEST_FORM: pemda.on_guest_text,  # an evaluator invitee's name, NIP, jabatan
    verification.GUEST_FORM: verification.guest_document,  # a stranger's PDF to check
}

#: A form field's check, by the name its ``validate`` gives.
TEXT_CHECKS: dict[str, TextCheck] = {
    **identity.TEXT_CHECKS,  # identity_<field>
    **invitations.DETAIL_CHECKS,  # invite_name, invite_nip, invite_position
    **annual_answers.TEXT_CHECKS,  # annual_reason, annual_action, annual_denominator
    "standin_date": standins.read_date,  # forms begun before the last day was checked as typed
}
FORM_TEXT_CHECKS: dict[str, FormTextCheck] = {
    "standin_last": standins.read_last,
}
DOCUMENT_CHECKS: dict[str, DocumentCheck] = {
    "identity_logo": identity.check_logo_upload,
    "verify_pdf": verification.check_pdf_upload,
    "targets": TARGETS.check_upload,
    "budget": BUDGET.check_upload,
}
IMPLIED_TOGGLES: dict[str, ImpliedToggle] = {
    "return_marks": approval.marked_by_lines,
}

#: A signature resumed after its passphrase, by the action of its confirming button.
SIGNING_FLOWS = {
    "sign_confirm": QUARTER,
    "annual_sign": ANNUAL,
}

ROUTES = Routes(
    commands=COMMANDS,
    buttons=BUTTONS,
    guest_buttons=GUEST_BUTTONS,
    finishers=FINISHERS,
    other_sessions=OTHER_SESSIONS,
    text_checks=TEXT_CHECKS,
    form_text_checks=FORM_TEXT_CHECKS,
    document_checks=DOCUMENT_CHECKS,
    implied_toggles=IMPLIED_TOGGLES,
    signing_flows=SIGNING_FLOWS,
)

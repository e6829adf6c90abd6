"""Names the dead-code check (tests/test_dead_code.py, vulture) cannot see used.

Never imported: vulture reads this file with the packages, and every name below counts as
used. Each entry says who uses it. A name belongs here only when a framework, a file format
or a protocol reads it; dead code is removed, not listed.
"""

from typing import Any

_: Any = None  # never run: vulture only reads the names used below

_(
    # python-telegram-bot calls it: bot/ordering.py overrides Application.do_process_update.
    _.do_process_update,
    # pydantic-settings reads the class attribute and calls the validator (bot/settings.py).
    _.model_config,
    _._database_url,
    _._link_key,
    # TinyDB's interface, kept by the PostgreSQL store (storage/pg.py).
    _.cache_size,
    _.table_class,
    _._next_id,
    # openpyxl reads what documents/workbooks.py sets on cells, sheets and the workbook.
    _.alignment,
    _.border,
    _.font,
    _.freeze_panes,
    _.errorTitle,
    _.showErrorMessage,
    _.showInputMessage,
    _.creator,
    _.lastModifiedBy,
    # Dataclass fields read from a table or a Bot API call, kept with their source's shape.
    _.remark,  # domain/sop.py: a step's remark in sop.toml
    _.disable_notification,  # emulator/models.py: the Bot API parameter, recorded
    # Tests: tarfile and io read these; the stateful test calls its events by name
    # (getattr(self, f"ev_{event}")); a fixture asked for by a test only for its effect.
    _.linkname,
    _.readinto,
    _.ev_block,
    _.ev_unblock,
    _.ev_fault,
    _.ev_plh,
    _.ev_plh_end,
    _.ev_replace_sekretaris,
    _.ev_invite_member,
    _.ev_remove_member,
    _.ev_alihkan,
    _.cli_env,
)

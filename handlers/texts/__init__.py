"""Every user-facing text of the bot, in formal Indonesian (HTML parse mode), by feature.

User-typed text is always passed through ``esc`` before it is placed in a message.
``from handlers import texts; texts.NAME`` reads any of them: this package re-exports
every module below (a new text goes into the module of its feature).
"""

from __future__ import annotations

from handlers.texts.annual import *
from handlers.texts.approval import *
from handlers.texts.audit import *
from handlers.texts.common import *
from handlers.texts.delivery import *
from handlers.texts.errors import *
from handlers.texts.evidence import *
from handlers.texts.forms import *
from handlers.texts.identity import *
from handlers.texts.invitations import *
from handlers.texts.menu import *
from handlers.texts.pemda import *
from handlers.texts.pemda_digest import *
from handlers.texts.quarter import *
from handlers.texts.staff import *
from handlers.texts.standins import *
from handlers.texts.tasks import *
from handlers.texts.tte import *
from handlers.texts.verification import *
from handlers.texts.webapp import *
from handlers.texts.workbooks import *

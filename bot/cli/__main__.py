"""``python -m bot.cli …``: the same as ``lkj-bot …``."""

import sys

from bot.cli import main

sys.exit(main())

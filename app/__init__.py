"""The application layer: one function per use case, Telegram-free (see docs / DESIGN)."""

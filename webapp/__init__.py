"""The Telegram Mini App: static pages (``static/``), initData validation and the small
aiohttp server that serves both and answers the pages' JSON calls."""

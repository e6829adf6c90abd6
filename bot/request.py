"""The HTTP layer under every Bot API call (except getUpdates): PTB's HTTPXRequest that tries
again when Telegram's front server answers 5xx.

Telegram's gateway answers 500/502/503/504 as an HTML page when the Bot API behind it is
briefly unavailable; the call had no effect, and the next attempt a moment later usually goes
through. Retrying here covers every reply a handler sends directly (the answer to a press,
the next question of a form), so a passing gateway error costs the user nothing; only when
every attempt fails does the handler see the error (``bot.app.on_error``).
"""

from __future__ import annotations

import asyncio
import logging

from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

GATEWAY_ERRORS = frozenset({500, 502, 503, 504})
#: Seconds before each new attempt after a gateway error (so four attempts in all).
BACKOFF = (0.5, 1.0, 2.0)


class RetryingRequest(HTTPXRequest):
    async def do_request(  # type: ignore[override]
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=HTTPXRequest.DEFAULT_NONE,
        write_timeout=HTTPXRequest.DEFAULT_NONE,
        connect_timeout=HTTPXRequest.DEFAULT_NONE,
        pool_timeout=HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        for pause in (*BACKOFF, None):
            code, payload = await super().do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
            if code not in GATEWAY_ERRORS or pause is None:
                return code, payload
            log.warning(
                "%s answered %s; trying again in %.1f s", url.rsplit("/", 1)[-1], code, pause
            )
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")

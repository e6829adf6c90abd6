"""Bot API error responses, raised by method handlers and turned into JSON by the server.

Descriptions mirror the real Bot API so that the bot's error handling is exercised
against the same strings it will meet in production.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API failure: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        gateway: bool = False,
    ):
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        #: Answered by Telegram's front server (nginx) as an HTML page, not Bot API JSON.
        self.gateway = gateway

    def gateway_page(self) -> str:
        title = f"{self.error_code} {GATEWAY_TITLES.get(self.error_code, 'Internal Server Error')}"
        return (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """403 with Telegram's ``Forbidden: `` prefix."""
    return ApiError(403, f"Forbidden: {reason}")


UNAUTHORIZED = ApiError(401, "Unauthorized")
NOT_FOUND = ApiError(404, "Not Found")

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


GATEWAY_TITLES = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def injected(
    error_code: int, description: str | None, retry_after: int | None, gateway: bool | None = None
) -> ApiError:
    """Build the error for ``fail_next``; fills a realistic description when none is given.
    A 5xx comes as Telegram's gateway sends it (an HTML page) unless ``gateway=False``."""
    if description is None:
        if error_code == 429:
            description = f"Too Many Requests: retry after {retry_after or 1}"
        else:
            description = DEFAULT_DESCRIPTIONS.get(error_code, "Internal Server Error")
    if error_code == 429 and retry_after is None:
        retry_after = 1
    if gateway is None:
        gateway = error_code in GATEWAY_TITLES
    return ApiError(error_code, description, retry_after, gateway)

"""Bot API error responses, raised by method handlers and turned into JSON by the server.

Descriptions mirror the real Bot API so that the bot's error handling is exercised
against the same strings it will meet in production.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API failure: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

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


def injected(error_code: int, description: str | None, retry_after: int | None) -> ApiError:
    """Build the error for ``fail_next``; fills a realistic description when none is given."""
    if description is None:
        if error_code == 429:
            description = f"Too Many Requests: retry after {retry_after or 1}"
        else:
            description = DEFAULT_DESCRIPTIONS.get(error_code, "Internal Server Error")
    if error_code == 429 and retry_after is None:
        retry_after = 1
    return ApiError(error_code, description, retry_after)

"""Faults the emulator injects, and Telegram's flood control by rate.

``FaultRule``: a call of one method (to one chat, or any) fails with a given error, with a
probability, a given number of times (``BotAPIEmulator.fail_next``).

``FloodControl``: Telegram answers 429 ``Too Many Requests: retry after N`` (with
``parameters.retry_after``) to a bot that sends faster than about one message a second to
one chat (a short burst is tolerated) or about thirty a second in all. Token buckets model
both: a send takes one token from its chat's bucket (new messages and edits each have one)
and one from the bot's.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError

#: Methods that send a new message, and those that change one: what Telegram's flood
#: control counts, each kind against its own limit in a chat (Telegram limits methods
#: separately); both count towards the bot's 30 a second.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
EDIT_METHODS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
FLOOD_METHODS = SEND_METHODS | EDIT_METHODS


@dataclass
class FaultRule:
    error: ApiError
    chat_id: int | None = None  # None: any chat
    probability: float = 1.0
    remaining: int = 1
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, params: dict[str, Any]) -> bool:
        return self.chat_id is None or params.get("chat_id") == self.chat_id


def take_fault(rules: list[FaultRule], params: dict[str, Any]) -> ApiError | None:
    """The error this call fails with (the first matching rule that fires, each drawing by
    its probability in turn), if any."""
    for rule in rules:
        if not rule.matches(params):
            continue
        if rule.probability < 1.0 and rule.rng.random() >= rule.probability:
            continue
        rule.remaining -= 1
        if rule.remaining <= 0:
            rules.remove(rule)
        return rule.error
    return None


@dataclass
class Bucket:
    rate: float  # tokens per second
    burst: float  # capacity
    tokens: float = -1.0
    stamp: float = 0.0

    def wait(self, now: float) -> float:
        """Refill to ``now``: 0 if a token is there, else the seconds until there will be."""
        if self.tokens < 0:
            self.tokens, self.stamp = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> float:
        """Take a token: 0 if there was one, else the seconds until there will be."""
        wait = self.wait(now)
        if not wait:
            self.tokens -= 1
        return wait


@dataclass
class FloodControl:
    """On in every emulator unless switched off (``BotAPIEmulator(flood_control=False)``,
    ``EMU_FLOOD_CONTROL=0``). The model: a burst of 20 to one chat, then one a second; 30 a
    second for the bot (Telegram publishes only "about one a second per chat" and "about 30
    a second in all"; a private chat takes a short burst in practice)."""

    enabled: bool = False
    per_chat_rate: float = 1.0
    per_chat_burst: float = 20.0
    global_rate: float = 30.0
    global_burst: float = 30.0
    chats: dict[Any, Bucket] = field(default_factory=dict)
    bot: Bucket | None = None
    refused: int = 0  # how many calls got 429, for tests and benches

    def check(self, method: str, params: dict[str, Any], now: float | None = None) -> None:
        """Raise Telegram's 429 when this send exceeds the chat's or the bot's rate."""
        if not self.enabled or method not in FLOOD_METHODS:
            return
        now = time.monotonic() if now is None else now
        if self.bot is None:
            self.bot = Bucket(self.global_rate, self.global_burst)
        kind = "edit" if method in EDIT_METHODS else "send"
        chat = self.chats.setdefault(
            (params.get("chat_id"), kind), Bucket(self.per_chat_rate, self.per_chat_burst)
        )
        # A refused send spends no token: neither bucket is taken unless both have one.
        wait = max(chat.wait(now), self.bot.wait(now))
        if not wait:
            chat.take(now)
            self.bot.take(now)
        else:
            self.refused += 1
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", seconds)

"""Settings from the environment or a ``.env`` file (never from the repository)."""

from __future__ import annotations

import hmac
from datetime import time
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = Field(default="", description="token from @BotFather")
    telegram_api_base_url: str = Field(
        default="",
        description="root URL of a Bot API server (self-hosted or the test emulator); "
        "empty means api.telegram.org",
    )
    lkj_data_dir: Path = Path("./data")
    lkj_database_url: str = Field(
        default="",
        description="postgresql://… to keep the store in PostgreSQL; empty: TinyDB files",
    )
    lkj_roster: Path = Path("./roster.toml")
    lkj_sop: Path | None = None
    lkj_max_upload_mb: float = Field(default=20.0, gt=0, le=20.0)
    lkj_office_start: time = time(7, 30)
    lkj_office_end: time = time(16, 0)
    lkj_extra_holidays: str = Field(
        default="", description="extra days off: 'YYYY-MM-DD=Nama;YYYY-MM-DD=Nama'"
    )
    lkj_log_level: str = "INFO"
    lkj_webhook_url: str = Field(
        default="", description="public HTTPS URL Telegram posts updates to (webhook mode)"
    )
    lkj_webhook_secret: str = Field(
        default="", description="secret Telegram sends in X-Telegram-Bot-Api-Secret-Token"
    )
    lkj_webhook_listen: str = "127.0.0.1"
    lkj_webhook_port: int = 8443
    lkj_webapp_url: str = Field(
        default="",
        description="public HTTPS address of the Mini App pages; empty: no web_app buttons",
    )
    lkj_webapp_listen: str = "127.0.0.1"
    lkj_webapp_port: int = 8081
    lkj_webapp_max_age_s: int = Field(
        default=86400, gt=0, description="how old a Mini App's initData (auth_date) may be"
    )
    lkj_link_key: str = Field(
        default="",
        description="key that signs the evaluators' page links for a desktop browser (at "
        "least 32 characters); empty: derived from the bot token",
    )
    lkj_link_days: int = Field(
        default=7, gt=0, le=90, description="how many days an evaluator's page link stays valid"
    )
    lkj_rate_limit: bool = Field(
        default=True,
        description="pace outgoing calls to Telegram's limits, per chat and for the bot "
        "(bot.pacing, AIORateLimiter)",
    )
    lkj_reminder_interval_s: float = Field(
        default=60.0, gt=0, description="how often due reminders and escalations are checked"
    )
    lkj_render_workers: int = Field(
        default=0, ge=0, le=8, description="PDF render processes; 0: one per spare core (1-2)"
    )
    lkj_concurrent_updates: int = Field(
        default=32,
        ge=1,
        le=256,
        description="updates handled at once (each chat's in order); more than about 32 Bot API "
        "requests in flight slow httpx's connection pool down",
    )

    lkj_button_key: str = Field(
        default="",
        description="key that signs inline buttons (at least 32 characters); empty: derived "
        "from the bot token, so changing the token retires the buttons already sent",
    )

    lkj_admin_ids: str = Field(
        default="", description="Telegram ids of the operators (comma-separated): /unit_baru"
    )

    lkj_alert_chat_id: int | None = Field(
        default=None,
        description="Telegram chat (an operator or their group) that hears of unexpected "
        "errors, short and at most one alert a minute",
    )

    lkj_health_listen: str = "127.0.0.1"
    lkj_health_port: int | None = Field(
        default=None,
        description="port of a small server with /healthz, /readyz and /metrics (0: any free "
        "port; unset: none; the webhook server always carries them)",
    )
    lkj_log_format: str = Field(default="text", pattern="^(text|json)$")

    # Certified electronic signatures (TTE) on the signed reports: README "Tanda tangan
    # elektronik (TTE)", documents/tte.py, handlers/tte.py.
    lkj_tte_mode: Literal["off", "local", "bsre"] = Field(
        default="off",
        description="off: the signature is a recorded act only; local: PKCS#12 certificates "
        "in LKJ_TTE_P12_DIR; bsre: the BSrE esign API at LKJ_BSRE_URL",
    )
    lkj_tte_p12_dir: Path | None = Field(
        default=None,
        description="local TTE: <NIP>.p12 per official, or segel-<UNIT>.p12 with LKJ_TTE_SEAL",
    )
    lkj_tte_p12_passphrase: str = Field(
        default="",
        description="local TTE: the PKCS#12 passphrase; empty: the signer types it in chat",
    )
    lkj_tte_seal: bool = Field(
        default=False, description="local TTE: sign with the unit's seal (segel elektronik)"
    )
    lkj_tte_paraf: bool = Field(
        default=False,
        description="also sign the paraf'd draft with the paraf giver's own certificate "
        "(PAdES); off: the paraf is a recorded act only",
    )
    lkj_tte_roots: str = Field(
        default="",
        description="PEM files of the root certificates signatures are checked against "
        "(comma-separated)",
    )
    lkj_tte_tsa_url: str = Field(
        default="", description="RFC 3161 timestamp server (PAdES B-T); empty: no timestamp"
    )
    lkj_bsre_url: str = Field(default="", description="BSrE esign API root, e.g. https://…")
    lkj_bsre_user: str = Field(default="", description="BSrE API client id (basic auth)")
    lkj_bsre_password: str = Field(default="", description="BSrE API client secret")
    lkj_bsre_auth: Literal["passphrase", "totp"] = Field(
        default="passphrase", description="what the signer types for BSrE: passphrase or TOTP"
    )
    lkj_bsre_signers: Path | None = Field(
        default=None,
        description="TOML file: the NIK or e-mail BSrE knows each signer by, under their NIP",
    )

    @field_validator("lkj_button_key")
    @classmethod
    def _key(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("LKJ_BUTTON_KEY: minimal 32 karakter")
        return value

    @field_validator("lkj_link_key")
    @classmethod
    def _link_key(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("LKJ_LINK_KEY: minimal 32 karakter")
        return value

    @field_validator("lkj_admin_ids")
    @classmethod
    def _ids(cls, value: str) -> str:
        for part in filter(None, value.replace(" ", "").split(",")):
            if not part.isdigit():
                raise ValueError(f"LKJ_ADMIN_IDS: “{part}” bukan ID Telegram (angka)")
        return value

    @field_validator("lkj_database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("LKJ_DATABASE_URL harus berawalan postgresql://")
        return value

    @property
    def button_key(self) -> bytes:
        """The key inline buttons are signed with (see app/button_codec.py)."""
        if self.lkj_button_key:
            return self.lkj_button_key.encode()
        return hmac.new(self.telegram_bot_token.encode(), b"lkj-bot buttons", "sha256").digest()

    @property
    def link_key(self) -> bytes:
        """The key the evaluators' page links are signed with (see app/pemda_page.py)."""
        if self.lkj_link_key:
            return self.lkj_link_key.encode()
        return hmac.new(self.telegram_bot_token.encode(), b"lkj-bot links", "sha256").digest()

    @property
    def tte_roots(self) -> list[Path]:
        return [Path(p.strip()) for p in self.lkj_tte_roots.split(",") if p.strip()]

    @property
    def admin_ids(self) -> frozenset[int]:
        return frozenset(int(x) for x in self.lkj_admin_ids.replace(" ", "").split(",") if x)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.lkj_max_upload_mb * 1024 * 1024)

    def webapp_page(self, page: str, cycle_id: str) -> str | None:
        """The address of a Mini App page for a cycle, or None when no URL is configured."""
        if not self.lkj_webapp_url:
            return None
        return f"{self.lkj_webapp_url.rstrip('/')}/{page}?siklus={quote(cycle_id, safe='')}"

    def evaluator_page(self, link: str = "") -> str | None:
        """The address of the evaluators' page (``pantau.html``): in Telegram (a web_app
        button; initData says who opens it), or with ``link``, a signed link's token, for a
        desktop browser (app.pemda_page.desktop_link). None when no URL is configured."""
        if not self.lkj_webapp_url:
            return None
        page = f"{self.lkj_webapp_url.rstrip('/')}/pantau.html"
        return f"{page}?tautan={quote(link, safe='')}" if link else page

    def api_urls(self) -> tuple[str, str] | None:
        """(base_url, base_file_url) for python-telegram-bot, or None for Telegram itself."""
        root = self.telegram_api_base_url.rstrip("/")
        if not root:
            return None
        if root.endswith("/bot"):
            root = root[: -len("/bot")]
        return f"{root}/bot", f"{root}/file/bot"

"""Configuration from environment variables, with safe defaults for a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.strip() else default


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when two workers start at once, one writes and the other reads it.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the configuration mapping; `overrides` (tests) win over the environment."""
    overrides = dict(overrides or {})
    env = os.environ
    base_url = overrides.get("BASE_URL") or env.get("BASE_URL", "http://127.0.0.1:5000")
    database_url = overrides.get("DATABASE_URL") or env.get(
        "DATABASE_URL", f"sqlite:///{instance_path / 'leernetwerk.sqlite'}"
    )
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    https = base_url.startswith("https://")
    config = {
        "BASE_URL": base_url.rstrip("/"),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_URL": overrides.get("MAIL_URL") or env.get("MAIL_URL", f"file://{instance_path / 'mail'}"),
        "MAIL_FROM": env.get("MAIL_FROM", "Leernetwerk Kansrijke Start <noreply@leernetwerk.test>"),
        "SCHEDULER_ENABLED": _bool(env.get("SCHEDULER_ENABLED"), False),
        # A question shared by at least this many coalitions is a candidate for the next round.
        "CANDIDATE_THRESHOLD": int(env.get("CANDIDATE_THRESHOLD", "3") or 3),
        # How many reverse proxies in front of us set X-Forwarded-For/-Proto (0: trust none, so
        # nobody can fake their address to dodge the login throttle), and from which peer
        # addresses (comma-separated IPs or networks): forwarded headers from any other peer
        # are ignored, so the app reached directly cannot be fooled (security.TrustedProxyFix).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0") or 0),
        "TRUSTED_PROXY_ADDRESSES": env.get("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1"),
        "UPLOAD_FOLDER": str(instance_path / "uploads"),
        # Zip-based uploads (DOCX, XLSX, PPTX, ODT) are refused past these (decompression bombs).
        "UPLOAD_ZIP_MAX_UNPACKED_MB": _int(env.get("UPLOAD_ZIP_MAX_UNPACKED_MB"), 200),
        "UPLOAD_ZIP_MAX_RATIO": _int(env.get("UPLOAD_ZIP_MAX_RATIO"), 100),
        "UPLOAD_ZIP_MAX_ENTRIES": _int(env.get("UPLOAD_ZIP_MAX_ENTRIES"), 5000),
        # Reading an attachment's text (in the scheduler, one subprocess per file): CPU seconds
        # (the clock allows twice that) and address space.
        "EXTRACT_TIME_LIMIT": _int(env.get("EXTRACT_TIME_LIMIT"), 60),
        "EXTRACT_MEMORY_LIMIT_MB": _int(env.get("EXTRACT_MEMORY_LIMIT_MB"), 512),
        "MAX_CONTENT_LENGTH": 26 * 1024 * 1024,
        "SESSION_COOKIE_NAME": "leernetwerk_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        # Login throttling (auth.throttle): progressive delays after the free failures within
        # the window, per account and per address, doubling up to the cap.
        "LOGIN_WINDOW_SECONDS": 60 * 60,
        "LOGIN_FREE_FAILURES_PER_ACCOUNT": 3,
        "LOGIN_FREE_FAILURES_PER_ADDRESS": 20,
        "LOGIN_MAX_DELAY_SECONDS": 60,
        # Server-side session limits: idle since the last request, and since the login.
        "SESSION_IDLE_SECONDS": int(env.get("SESSION_IDLE_SECONDS", "") or 8 * 3600),
        "SESSION_ABSOLUTE_SECONDS": int(env.get("SESSION_ABSOLUTE_SECONDS", "") or 30 * 24 * 3600),
        # Two-factor login: required for staff and the core group (False only in tests that
        # log in through the password form alone); a remembered device skips it this long.
        "TWO_FACTOR_REQUIRED": True,
        "TWO_FACTOR_REMEMBER_DAYS": 30,
        # An unsubscribe link in a mail works this long without logging in.
        "UNSUBSCRIBE_MAX_AGE_SECONDS": 365 * 24 * 3600,
        "INVITE_MAX_AGE_SECONDS": 7 * 24 * 3600,
        "RESET_MAX_AGE_SECONDS": 2 * 3600,
        # Argon2id parameters (RFC 9106 second recommended option); a change rehashes at login.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 64 * 1024,
        "ARGON2_PARALLELISM": 4,
        # Public pages for anonymous visitors (page_cache.py): what a reverse proxy or CDN may keep,
        # and the in-process cache of rendered pages (bytes per worker; the longest a page is kept).
        "PUBLIC_MAX_AGE": int(env.get("PUBLIC_MAX_AGE", "60") or 60),
        "PUBLIC_STALE_WHILE_REVALIDATE": int(env.get("PUBLIC_STALE_WHILE_REVALIDATE", "300") or 300),
        "PAGE_CACHE_BYTES": int(env.get("PAGE_CACHE_BYTES", str(32 * 1024 * 1024)) or 0),
        "PAGE_CACHE_SECONDS": int(env.get("PAGE_CACHE_SECONDS", "300") or 0),
        # A logged-in person's pages kept for the same browser until any data changes
        # (personal_pages.py): the longest one is kept, and the bytes per worker; 0 seconds: never.
        "PERSONAL_PAGE_SECONDS": int(env.get("PERSONAL_PAGE_SECONDS", "60") or 0),
        "PERSONAL_PAGE_BYTES": int(env.get("PERSONAL_PAGE_BYTES", str(32 * 1024 * 1024)) or 0),
    }
    config.update(overrides)
    return config

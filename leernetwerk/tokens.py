"""Ids inside links, unreadable: a signed link (reset, invitation, unsubscribe) carries a
person's id sealed with the secret key, so the link names nobody to whoever sees it (an access
log, a forwarded mail). The signature around it keeps it from being changed.

`seal(purpose, n)` XORs the id with a pad derived from the secret key, the purpose and a fresh
random nonce (HMAC-SHA256 as a pseudo-random function), so two links for one person differ too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app

_NONCE = 8


def _pad(purpose: str, nonce: bytes) -> bytes:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"leernetwerk-id:" + purpose.encode() + b":" + nonce, hashlib.sha256).digest()[:8]


def seal(purpose: str, n: int) -> str:
    nonce = secrets.token_bytes(_NONCE)
    sealed = bytes(a ^ b for a, b in zip(n.to_bytes(8, "big"), _pad(purpose, nonce), strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(purpose: str, value: object) -> int | None:
    """The id inside `value`, or None when it is not a sealed id."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) != _NONCE + 8:
        return None
    nonce, sealed = raw[:_NONCE], raw[_NONCE:]
    return int.from_bytes(bytes(a ^ b for a, b in zip(sealed, _pad(purpose, nonce), strict=True)), "big")

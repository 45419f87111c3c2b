"""Argon2id password hashing with parameters from the configuration."""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# A fixed dummy hash so that an unknown e-mail costs as much time as a wrong password.
_DUMMY_PASSWORD = "no-such-account"  # nosec B105 # no credential: only hashed, to spend a real check's time


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism,
                          type=Type.ID).hash(_DUMMY_PASSWORD)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if not password_hash:
        # No account (or no password yet): spend the same time as a real check, then refuse.
        with suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism), password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)

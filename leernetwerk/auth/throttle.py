"""The login throttle: progressive delays per account and per address (docs/architecture.md, rule R20).

Each failed attempt (a wrong password, a wrong two-factor code) is a row in `login_attempts`.
The first few failures are free; after that, the next attempt for the same account (or from the
same address) has to wait since the last failure, twice as long each time, up to a cap:

    wait = 0                                 while failures < free
    wait = min(cap, 2 ** (failures - free))  seconds after the last failure, otherwise

An account counts its failures since its last successful login (inside the window); an address
counts all its failures inside the window. So five wrong guesses from a stranger make a member
of staff wait a few seconds, not a quarter of an hour, and an office behind one NAT address is
slowed down only after many failures, by seconds, never shut out; yet nobody gets more than
about one guess a minute at one account (fewer than the 100 an hour ASVS allows).

Counting and recording are one atomic step: `hold` takes a transaction-scoped advisory lock per
account and per address on PostgreSQL (always in that order, so two attempts never deadlock);
on SQLite a writing transaction holds the database's write lock from its BEGIN IMMEDIATE
(database.configure_sqlite), which serialises the same way. The lock is held until the
attempt's transaction commits, so a parallel attempt sees every failure before it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, text

from ..extensions import db
from .models import LoginAttempt


def hold(email: str, ip_address: str) -> None:
    """Serialise attempts on this account and this address until the transaction ends."""
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the writing transaction holds the write lock already
    for key in (f"login-account:{email}", f"login-address:{ip_address}"):
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after the last failure, having had `failures` of them."""
    if failures < free:
        return 0
    return min(current_app.config["LOGIN_MAX_DELAY_SECONDS"], 2 ** (failures - free))


def _failures(column, value: str, since: datetime) -> tuple[int, datetime | None]:  # noqa: ANN001
    count, last = db.session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.attempted_at)).where(
            column == value, LoginAttempt.attempted_at >= since, LoginAttempt.succeeded.is_(False)
        )
    ).one()
    return count, last


def wait_seconds(email: str, ip_address: str, now: datetime) -> int:
    """How long this account and address must still wait before their next attempt (0: go)."""
    cfg = current_app.config
    window_start = now - timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    last_success = db.session.execute(
        select(func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True), LoginAttempt.attempted_at >= window_start
        )
    ).scalar_one()
    account_since = max(window_start, last_success) if last_success else window_start
    waits = [0.0]
    for column, value, since, free in (
        (LoginAttempt.email, email, account_since, cfg["LOGIN_FREE_FAILURES_PER_ACCOUNT"]),
        (LoginAttempt.ip_address, ip_address, window_start, cfg["LOGIN_FREE_FAILURES_PER_ADDRESS"]),
    ):
        count, last = _failures(column, value, since)
        if last is not None:
            waits.append((last + timedelta(seconds=delay_after(count, free)) - now).total_seconds())
    return max(0, math.ceil(max(waits)))


def record_attempt(email: str, ip_address: str, succeeded: bool, now: datetime) -> None:
    db.session.add(LoginAttempt(email=email, ip_address=ip_address, succeeded=succeeded, attempted_at=now))

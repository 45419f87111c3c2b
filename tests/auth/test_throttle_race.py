"""Parallel login attempts cannot slip past the throttle: counting the failures and recording
one is a single atomic step (an advisory lock per account and address on PostgreSQL, the write
lock of BEGIN IMMEDIATE on SQLite)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import time_machine

from leernetwerk.auth.models import LoginAttempt
from tests import factories

PARALLEL = 16


def test_parallel_wrong_guesses_are_admitted_no_more_than_the_free_failures(app, db, make_client):
    email = factories.make_user().email
    db.session.rollback()
    clients = [make_client() for _ in range(PARALLEL)]
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def attempt(c, token: str) -> None:
        barrier.wait(timeout=30)
        r = c.post("/inloggen", data={"email": email, "password": "fout", "csrf_token": token})
        statuses.append(r.status_code)

    # The clock stands still: every attempt after the free ones falls inside the first delay.
    with time_machine.travel(datetime.now(UTC), tick=False):
        tokens = [c.csrf_token() for c in clients]
        threads = [threading.Thread(target=attempt, args=(c, t)) for c, t in zip(clients, tokens, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    free = app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    assert len(statuses) == PARALLEL, statuses
    checked = db.session.query(LoginAttempt).filter_by(email=email, succeeded=False).count()
    assert checked == free, statuses
    assert statuses.count(200) == free and statuses.count(429) == PARALLEL - free

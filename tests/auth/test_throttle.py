"""Progressive delays per account and per address (docs/architecture.md, rule R20), with the
clock under control: a stranger cannot lock staff out, an office behind one address is slowed
down by seconds, never shut out, and nobody gets more than about a guess a minute."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from leernetwerk.auth.models import LoginAttempt
from tests import factories

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _try(client, email: str, password: str = "fout", address: str = "192.0.2.10"):
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_five_guesses_by_a_stranger_keep_staff_out_for_seconds_not_a_quarter_of_an_hour(client, make_client, clock):
    staff = factories.make_user(staff=True)
    for wait in (0, 0, 0, 1, 2):  # three free failures, then 1 s and 2 s between guesses
        clock.shift(wait)
        assert _try(client, staff.email).status_code == 200
    refused = _try(client, staff.email)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "4"
    assert "Probeer het over 4 seconden opnieuw" in refused.text
    clock.shift(4)
    own_browser = make_client()
    assert _try(own_browser, staff.email, factories.PASSWORD, address="198.51.100.7").status_code == 302


def test_delays_double_up_to_a_minute_and_refused_attempts_do_not_count(client, app, clock):
    user = factories.make_user()
    waits = []
    for _ in range(12):
        response = _try(client, user.email)
        while response.status_code == 429:
            assert _try(client, user.email).status_code == 429  # hammering is refused, not counted
            waits.append(int(response.headers["Retry-After"]))
            clock.shift(int(response.headers["Retry-After"]))
            response = _try(client, user.email)
        assert response.status_code == 200
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert LoginAttempt.query.filter_by(email=user.email, succeeded=False).count() == 12
    # At most one guess a minute from here: fewer than ASVS's 100 failures an hour.
    assert app.config["LOGIN_MAX_DELAY_SECONDS"] == 60


def test_a_successful_login_starts_the_account_count_afresh(client, make_client, clock):
    user = factories.make_user()
    for _ in range(3):
        _try(client, user.email)
    clock.shift(1)
    assert _try(make_client(), user.email, factories.PASSWORD).status_code == 302
    for _ in range(3):
        assert _try(client, user.email).status_code == 200  # free again


def test_old_failures_drop_out_after_the_window(client, app, clock):
    user = factories.make_user()
    for wait in (0, 0, 0, 1, 2, 4):
        clock.shift(wait)
        _try(client, user.email)
    assert _try(client, user.email).status_code == 429
    clock.shift(app.config["LOGIN_WINDOW_SECONDS"] + 1)
    assert _try(client, user.email).status_code == 200


def test_an_office_behind_one_address_is_slowed_down_not_shut_out(client, make_client, app, clock):
    """20 failures from one address (many accounts) are free; after that colleagues wait seconds."""
    free = app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"]
    for n in range(free):
        assert _try(client, f"collega{n}@kantoor.test", address="203.0.113.5").status_code == 200
    colleague = factories.make_user()
    refused = _try(make_client(), colleague.email, factories.PASSWORD, address="203.0.113.5")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    clock.shift(1)
    assert _try(make_client(), colleague.email, factories.PASSWORD, address="203.0.113.5").status_code == 302
    # Another address is not held up at all.
    assert _try(make_client(), "iemand@elders.test", address="198.51.100.9").status_code == 200


def test_wrong_two_factor_codes_count_as_failures(client, app, clock):
    from tests.auth.test_two_factor import code_now, enable_for

    user = factories.make_user()
    enable_for(user)
    for _ in range(3):
        assert _try(client, user.email, factories.PASSWORD).status_code == 302
        assert client.post("/inloggen/code", data={"code": "000000"}).status_code == 200
    assert _try(client, user.email, factories.PASSWORD).status_code == 429
    clock.shift(1)
    assert _try(client, user.email, factories.PASSWORD).status_code == 302
    assert client.post("/inloggen/code", data={"code": code_now(user)}).status_code == 302

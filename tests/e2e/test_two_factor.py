"""Two-factor login in the browser: a member of staff is led to set it up after the password,
scans (here: reads) the key, keeps the recovery codes, then logs in with a code and lets the
browser remember the device. Every page passes the accessibility check at 1280 and 360 px."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from flask import Flask
from playwright.sync_api import Page, expect

from tests import factories

from .browsing import assert_accessible_on_desktop_and_phone, log_in, visitor

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def required(app: Flask):
    app.config["TWO_FACTOR_REQUIRED"] = True
    yield
    app.config["TWO_FACTOR_REQUIRED"] = False


def _check(page: Page) -> None:
    assert_accessible_on_desktop_and_phone(page)
    page.set_viewport_size(DESKTOP)


def test_staff_set_up_two_factor_and_log_in_with_a_code(page: Page, required):
    me = visitor(factories.make_user(staff=True, name="Staf Tweestaps",
                                     email="staf.met.een.lang.adres@ros-friesland.example.org"))
    log_in(page, me)
    expect(page).to_have_url(re.compile(r"/account/tweestaps$"))
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    expect(page.get_by_role("img", name="QR-code voor je authenticator-app")).to_be_visible()
    _check(page)

    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Code uit de app").fill("000000")
    page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    _check(page)

    page.get_by_label("Code uit de app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    expect(page.get_by_role("heading", name="Je herstelcodes")).to_be_visible()
    assert page.locator("ul.recovery-codes li").count() == 10
    _check(page)

    page.get_by_role("link", name="Ik heb ze bewaard").click()
    expect(page.get_by_role("heading", name="Ingelogd op deze apparaten")).to_be_visible()
    expect(page.get_by_text("Je hebt nog 10 ongebruikte herstelcodes.")).to_be_visible()
    _check(page)

    page.get_by_role("button", name="Uitloggen").first.click()
    # Half a minute later (a code is accepted once): the password, then the code step.
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=31), tick=True):
        log_in(page, me)
        expect(page.get_by_role("heading", name="Code invullen")).to_be_visible()
        _check(page)
        page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
        page.get_by_label("Onthoud dit apparaat 30 dagen").check()
        page.get_by_role("button", name="Inloggen", exact=True).click()
        expect(page.get_by_text("Welkom, Staf Tweestaps. Je bent ingelogd.")).to_be_visible()

        # The remembered browser needs the password only.
        page.get_by_role("button", name="Uitloggen").first.click()
        log_in(page, me)
        expect(page.get_by_text("Welkom, Staf Tweestaps. Je bent ingelogd.")).to_be_visible()


def test_staff_reset_a_lost_phone_from_the_person_page(page: Page):
    staff = visitor(factories.make_user(staff=True, name="Staf Beheer"))
    kern = factories.make_user(core=True, name="Kern Telefoonkwijt")
    factories.make_two_factor(kern)
    kern_id = kern.id
    visitor(kern)
    log_in(page, staff)
    page.goto(f"/beheer/mensen/{kern_id}/bewerken")
    expect(page.get_by_role("heading", name="Tweestapsverificatie")).to_be_visible()
    _check(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tweestapsverificatie herstellen").click()
    expect(page.get_by_text("De tweestapsverificatie van Kern Telefoonkwijt is hersteld")).to_be_visible()
    expect(page.get_by_text("Staat uit.")).to_be_visible()
    _check(page)


def test_an_expired_unsubscribe_link_asks_to_log_in(page: Page, app: Flask):
    from flask import url_for

    from leernetwerk.notifications.models import ReminderKind
    from leernetwerk.notifications.services import unsubscribe_token

    user = factories.make_user()
    with time_machine.travel(datetime.now(UTC) - timedelta(days=400), tick=False), app.test_request_context():
        path = url_for("notifications.unsubscribe", token=unsubscribe_token(user.id, [ReminderKind.MILESTONE_DUE]))
    me = visitor(user)
    page.goto(path)
    expect(page.get_by_role("heading", name="Deze afmeldlink is verlopen")).to_be_visible()
    _check(page)
    page.get_by_role("link", name="Inloggen", exact=True).last.click()
    page.get_by_label("E-mailadres").fill(me.email)
    page.get_by_label("Wachtwoord", exact=True).fill(me.password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.get_by_role("button", name="Ja, afmelden").click()
    expect(page.get_by_role("heading", name="Je bent afgemeld")).to_be_visible()

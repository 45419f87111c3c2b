"""Helpers for browser tests: a person's login as plain values, logging in through the form."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from leernetwerk.auth.models import User
from leernetwerk.extensions import db
from tests import factories


@dataclass(frozen=True)
class Person:
    """Who logs in, as plain values that outlive the test's transaction."""

    email: str
    name: str
    password: str = factories.PASSWORD


def visitor(user: User) -> Person:
    """The user's login as plain values, with the test's transaction ended.

    Reading the user began a transaction in the test's session, and on SQLite a transaction
    outside a GET request takes the write lock at BEGIN (leernetwerk.database): while the test
    holds it, the live server cannot log anyone in.
    """
    person = Person(email=user.email, name=user.name)
    db.session.commit()
    return person


def log_in(page: Page, person: Person, password: str | None = None) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(person.email)
    page.get_by_label("Wachtwoord", exact=True).fill(password or person.password)
    page.get_by_role("button", name="Inloggen", exact=True).click()

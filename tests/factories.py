"""The application's factories (leernetwerk/factories.py), each committing what it made.

A test's setup is done before the code under test runs: a request (which ends the test's
transaction) sees it, and a rollback in the test does not take it away.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from leernetwerk import factories as _app
from leernetwerk.extensions import db

PASSWORD = _app.PASSWORD
moment = _app.moment
running_round = _app.running_round

F = TypeVar("F", bound=Callable)
_batches = 0


def _committed(make: F) -> F:
    @functools.wraps(make)
    def make_and_commit(*args, **kwargs):
        made = make(*args, **kwargs)
        if not _batches:
            db.session.commit()
        return made

    return make_and_commit


@contextmanager
def one_commit() -> Iterator[None]:
    """Many factories, one commit at the end. A commit expires every row the session holds, and
    the next factory loads them again: for a setup of dozens of rows this is most of its time."""
    global _batches
    _batches += 1
    try:
        yield
    finally:
        _batches -= 1
    if not _batches:
        db.session.commit()


make_municipality = _committed(_app.make_municipality)
make_coalition = _committed(_app.make_coalition)
make_organisation = _committed(_app.make_organisation)
make_use = _committed(_app.make_use)
make_follow = _committed(_app.make_follow)
make_user = _committed(_app.make_user)
make_two_factor = _committed(_app.make_two_factor)
make_coalition_member = _committed(_app.make_coalition_member)
make_question = _committed(_app.make_question)
make_question_signal = _committed(_app.make_question_signal)
make_round = _committed(_app.make_round)
make_overlapping_round = _committed(_app.make_overlapping_round)
make_table = _committed(_app.make_table)
make_evaluation = _committed(_app.make_evaluation)
finish_round = _committed(_app.finish_round)
make_work_package = _committed(_app.make_work_package)
make_milestone = _committed(_app.make_milestone)
make_update = _committed(_app.make_update)
make_support_request = _committed(_app.make_support_request)
make_deliverable = _committed(_app.make_deliverable)
make_version = _committed(_app.make_version)
backdate = _committed(_app.backdate)


@contextmanager
def without_notices() -> Iterator[None]:
    with _app.without_notices():
        yield
    if not _batches:
        db.session.commit()

"""Scheduled reminders: what is due, to whom, written exactly once with its notice and mail.

A sweep (`sweep.run_sweep(now)`) asks every rule (`rules.REMINDER_RULES`) for what is due,
set-based: one query per rule, whatever the amount of data. Each reminder is a key (kind,
object, recipient, occasion); the sweep claims the keys in `reminder_log` with INSERT … ON
CONFLICT DO NOTHING and writes a notice and, per the person's preference for that kind, a mail
(or a weekly-digest item) only for the keys it inserted itself, in the same transaction. So a
rerun, or a second sweep racing this one, claims nothing and writes nothing; a sweep that dies
rolls its claims back with its notices, and the next one sends them.

Working days are Monday to Friday except Dutch public holidays (`dates.is_working_day`),
counted in Europe/Amsterdam time. "Today" is the Dutch date (`dates.local_date`).

- `rules` — the rules and their queries: what is due for whom, and from when;
- `messages` — what each reminder says, and the fixed texts of the mails;
- `sweep` — `run_sweep`: claim, then write notices, mails and digest items;
- `preview` — `upcoming`: what the coming days will bring, for the staff page;
- `digest` — the weekly digest on Monday 08:00 (`send_digests`, `next_digest`).
"""

from .digest import DIGEST, DIGEST_ITEM, PENDING, digest_moment, next_digest, send_digests, week_key
from .preview import Upcoming, upcoming
from .rules import REMINDER_RULES, Rule, Span
from .sweep import run_sweep

__all__ = [
    "DIGEST",
    "DIGEST_ITEM",
    "PENDING",
    "REMINDER_RULES",
    "Rule",
    "Span",
    "Upcoming",
    "digest_moment",
    "next_digest",
    "run_sweep",
    "send_digests",
    "upcoming",
    "week_key",
]

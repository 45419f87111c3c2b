"""Synonym groups kept by staff: words that mean the same in this field, applied at query time
(library/queries.py `plan`), so a change takes effect at once without a reindex."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from .models import SynonymGroup
from .text import query_terms

MAX_WORDS = 20
MAX_LENGTH = 80


class SynonymError(DomainError):
    """A group that cannot be kept; the message is for the user."""


def groups() -> list[SynonymGroup]:
    return list(db.session.execute(select(SynonymGroup).order_by(SynonymGroup.words)).scalars())


def _clean(text: str, group: SynonymGroup | None) -> str:
    lines: list[str] = []
    for line in (text or "").replace(",", "\n").replace(";", "\n").replace("~", "\n").splitlines():
        line = " ".join(line.split())
        if line and line.casefold() not in {w.casefold() for w in lines}:
            lines.append(line)
    if len(lines) < 2:
        raise SynonymError(_("Geef minstens twee woorden, elk op een eigen regel."), "words")
    if len(lines) > MAX_WORDS:
        raise SynonymError(_("Hoogstens %(num)d woorden in één groep.", num=MAX_WORDS), "words")
    for line in lines:
        if len(line) > MAX_LENGTH:
            raise SynonymError(_("‘%(word)s…’ is te lang (hoogstens %(num)d tekens).",
                                 word=line[:30], num=MAX_LENGTH), "words")
        if not query_terms(line):
            raise SynonymError(_("‘%(word)s’ bevat geen woord om op te zoeken.", word=line), "words")
        if len(query_terms(line)) > 3:
            raise SynonymError(_("‘%(word)s’ is te lang: hoogstens drie woorden per regel.", word=line), "words")
    # A word in two groups would make a search ambiguous.
    mine = {tuple(query_terms(line)): line for line in lines}
    for other in groups():
        if group is not None and other.id == group.id:
            continue
        for line in other.word_list:
            if tuple(query_terms(line)) in mine:
                raise SynonymError(_("‘%(word)s’ staat al in de groep ‘%(group)s’.",
                                     word=mine[tuple(query_terms(line))], group=str(other)), "words")
    return "\n".join(lines)


def create(by, text: str) -> SynonymGroup:  # noqa: ANN001
    group = SynonymGroup(words=_clean(text, None))
    db.session.add(group)
    db.session.flush()
    record(by, "synonym_group.create", group, after={"words": group.word_list})
    return group


def update(by, group: SynonymGroup, text: str) -> SynonymGroup:  # noqa: ANN001
    before = group.word_list
    group.words = _clean(text, group)
    record(by, "synonym_group.update", group, before={"words": before}, after={"words": group.word_list})
    return group


def remove(by, group: SynonymGroup) -> None:  # noqa: ANN001
    record(by, "synonym_group.remove", group, before={"words": group.word_list})
    db.session.delete(group)

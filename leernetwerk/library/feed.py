"""The Atom feed of the latest published public end products (feedgen writes valid Atom)."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import current_app, url_for

from .models import LibraryEntry


def atom(entries: list[LibraryEntry]) -> bytes:
    base = current_app.config["BASE_URL"]
    fg = FeedGenerator()
    fg.id(base + url_for("library.index"))
    fg.title("Bibliotheek Fries Leernetwerk Kansrijke Start")
    fg.subtitle("Nieuwe eindproducten: zorgpaden, sociale kaarten, handreikingen en factsheets.")
    fg.language("nl")
    fg.link(href=base + url_for("library.index"), rel="alternate")
    fg.link(href=base + url_for("library.atom_feed"), rel="self")
    fg.author({"name": "Fries Leernetwerk Kansrijke Start"})
    if entries:
        fg.updated(max(e.published_at for e in entries))
    for e in reversed(entries):  # feedgen prepends; keep the newest first in the document
        item = fg.add_entry()
        link = base + url_for("library.detail", slug=e.slug)
        item.id(f"{link}#v{e.version_number}")
        item.title(e.title)
        item.link(href=link)
        item.summary(e.summary or e.title)
        item.published(e.published_at)
        item.updated(e.published_at)
        item.category(term=e.kind)
    return fg.atom_str(pretty=True)

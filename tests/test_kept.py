"""kept.Kept: made once per key, the least recently used out first when full."""

from __future__ import annotations

from leernetwerk.kept import Kept


def test_a_thing_is_made_once_and_the_least_recently_used_goes_first():
    made: list[str] = []
    kept = Kept(2)

    def make(name: str):
        return lambda: made.append(name) or name.upper()

    assert kept.get("a", make("a")) == "A" and kept.get("a", make("a")) == "A"
    kept.get("b", make("b"))
    kept.get("a", make("a"))  # used again: "b" is now the least recent
    kept.get("c", make("c"))
    assert len(kept) == 2
    kept.get("a", make("a"))
    kept.get("b", make("b"))
    assert made == ["a", "b", "c", "b"]

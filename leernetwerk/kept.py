"""Things made once and kept in this process: the least recently used go first, at most `size`.

For rendered parts and counts whose key names everything they depend on (a generation, the
language, the query); the callers say what that is. Safe enough for a threaded server: two
threads may make the same thing once each, never read a half-made one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import suppress
from typing import Any


class Kept:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The thing kept under `key`, made by `make` the first time."""
        try:
            value = self._items[key]
        except KeyError:
            value = self._items[key] = make()
            if len(self._items) > self.size:
                with suppress(KeyError):  # another thread took it first
                    self._items.popitem(last=False)
            return value
        with suppress(KeyError):  # another thread dropped it meanwhile
            self._items.move_to_end(key)
        return value

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

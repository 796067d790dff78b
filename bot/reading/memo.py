"""A small bounded, thread-safe memo (least recently stored first out) for pure results."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """Results of a pure computation by key; past `size` entries the oldest are forgotten."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> T | None:
        """The kept result, or None."""
        with self._lock:
            return self._kept.get(key)

    def put(self, key: Hashable, value: T) -> T:
        """Keep a result (forgetting the oldest past the bound) and return it."""
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

"""Bounded memos, shared by the checker, the answer table and the batch: a full memo drops its oldest
entry (O(1) with an OrderedDict; a plain dict's first key is not, once many have been deleted), never
everything at once (a full clear made 300k rows evaluate 16k distinct questions 71k times)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


def bounded_put(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    """cache[key] = value, the oldest entry going first when the cache holds `size`."""
    if len(cache) >= size:
        cache.popitem(last=False)
    cache[key] = value

"""`json.loads` for untrusted text: every way a value can break scopecheck later is refused here.

A JSON line can be valid and still stop a batch: 100,000 '[' exhaust the parser's recursion
(RecursionError); a 5,000-digit integer trips Python's int-string limit (ValueError); a few hundred
levels of nesting parse, then fail when pickled for a worker process; an escaped lone surrogate
("\\ud800") parses into a string no UTF-8 output can hold. And what Python's parser takes that JSON
is not: NaN and Infinity (written back, they make a line no strict parser reads), a number too large
for a float (1e999, Infinity again), and a key given twice (the last silently won: {"state": "NY", ...,
"state": "CA"} was asked about California). `loads` turns each into a `JsonProblem` with a short
reason, so the caller can make it one error row (batch), one line (a file) or a 422 (the API).
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

MAX_DEPTH = 100  # levels of lists and objects; scopecheck's own inputs need 2

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonProblem(ValueError):
    """Valid JSON, or near enough, that scopecheck refuses; the message is the reason."""


def _no_constant(name: str) -> Any:
    raise JsonProblem(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonProblem(f"{text[:20]} is too large for a number")
    return value


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        twice = next(k for i, (k, _) in enumerate(pairs) if any(k == other for other, _ in pairs[:i]))
        raise JsonProblem(f"the key '{twice[:50]}' is given twice")
    return obj


def loads(text: str) -> Any:
    """Parse `text`; json.JSONDecodeError for a syntax error, JsonProblem for what is refused."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_once)
    except (json.JSONDecodeError, JsonProblem):
        raise
    except RecursionError:
        raise JsonProblem(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:  # the int-string limit: the only other ValueError json.loads raises
        raise JsonProblem(f"a number has more than {sys.get_int_max_str_digits():,} digits") from None
    # Cheap filters first: depth <= the number of brackets, and a surrogate needs a \\u escape.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth_over(value, MAX_DEPTH):
        raise JsonProblem(f"nested more than {MAX_DEPTH} levels deep")
    if _SURROGATE_ESCAPE.search(text):
        bad = _lone_surrogate(value)
        if bad is not None:
            raise JsonProblem(f"\\u{ord(bad):04x} is half of a surrogate pair, not a character")
    return value


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    if isinstance(value, list):
        return value
    return []


def _depth_over(value: Any, limit: int) -> bool:
    """Is `value` nested more than `limit` levels? Iterative: the check itself never recurses."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in _children(item))
    return False


def _lone_surrogate(value: Any) -> str | None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                return found.group()
        else:
            stack.extend(_children(item))
    return None

"""Frozen dataclasses to and from JSON values: pydantic only for data from outside.

Data from outside (a rule file's TOML, a decision log's record) is checked by `validate`, the one
place pydantic is imported for the schema, on first use. A rule file validated once is kept as
JSON (`tomlfile.load`) and rebuilt from it by `build`, without pydantic; a verdict or a query is
written with `json_values`. So a command answered from kept files never imports pydantic.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import types
import typing
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")


def validate(cls: type[T], data: Any) -> T:
    """`data` from outside as a `cls`, checked by pydantic (the limits and `__pydantic_config__` the
    schema declares); pydantic's ValidationError names each problem."""
    return _validator(cls).validate_python(data)  # type: ignore[arg-type, no-any-return]


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of a `cls` as `validate` checks it (for editors: `rules schema`)."""
    return _validator(cls).json_schema()


@functools.cache
def _validator(cls: type) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def json_values(value: Any) -> Any:
    """JSON values for a dataclass (its fields in order), a tuple, list or set (a list; a set sorted,
    so the text never depends on hashing), a date (YYYY-MM-DD); anything else as it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _codec(type(value)).dump(value)
    if isinstance(value, (tuple, list)):
        return [json_values(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json_values(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def build(cls: type[T], data: dict[str, Any]) -> T:
    """`cls` rebuilt from `json_values`'s (its own output: nothing is validated beyond the
    dataclass's own `__post_init__`)."""
    return _codec(cls).load(data)  # type: ignore[arg-type, no-any-return]


Convert = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


class _Codec(typing.NamedTuple):
    load: Convert  # JSON value -> value of the type
    dump: Convert  # value of the type -> JSON value


_SAME = _Codec(_same, _same)


@functools.cache
def _codec(cls: type) -> _Codec:
    """A dataclass's codec: each field's, from its declared type (made once per class)."""
    names = vars(sys.modules[cls.__module__])  # its annotations are evaluated there, as typing.get_type_hints
    # would (at a fifth of the cost: it walks every base class)
    fields = [
        (f.name, _for(eval(f.type, names) if isinstance(f.type, str) else f.type)) for f in dataclasses.fields(cls)
    ]
    loads = [(name, c.load) for name, c in fields]
    dumps = [(name, c.dump) for name, c in fields]

    def load(data: dict[str, Any]) -> Any:
        return cls(**{name: convert(data[name]) for name, convert in loads if name in data})

    def dump(value: Any) -> dict[str, Any]:
        return {name: convert(getattr(value, name)) for name, convert in dumps}

    return _Codec(load, dump)


def _for(hint: Any) -> _Codec:
    """How a value of type `hint` becomes a JSON value, and back."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _for(args[0])
    if origin in (typing.Union, types.UnionType):
        inner = [_for(a) for a in args if a is not type(None)]
        if len(inner) != 1:
            return _Codec(_same, json_values)
        one = inner[0]
        if one is _SAME:
            return _SAME
        return _Codec(lambda v: None if v is None else one.load(v), lambda v: None if v is None else one.dump(v))
    if origin in (tuple, frozenset, list):
        item, container = _for(args[0]), origin
        listed: Convert = sorted if origin is frozenset else list
        if item is _SAME:
            return _Codec(container, listed)
        return _Codec(lambda v: container(item.load(x) for x in v), lambda v: listed(item.dump(x) for x in v))
    if hint is date:
        return _Codec(date.fromisoformat, date.isoformat)
    if dataclasses.is_dataclass(hint):
        return _codec(hint)  # type: ignore[arg-type]
    if hint in (str, int, bool) or origin is typing.Literal:
        return _SAME
    return _Codec(_same, json_values)

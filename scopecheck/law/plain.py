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
    """JSON values for a dataclass (fields in order), a tuple, list or set (a list; a set sorted, so
    the text never depends on hashing), a date (YYYY-MM-DD); anything else as it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_values(getattr(value, f.name)) for f in dataclasses.fields(value)}
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
    return _builder(cls)(data)  # type: ignore[arg-type, no-any-return]


@functools.cache
def _builder(cls: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    fields = [(f.name, _convert(hints[f.name])) for f in dataclasses.fields(cls)]

    def make(data: dict[str, Any]) -> Any:
        return cls(**{name: convert(data[name]) for name, convert in fields if name in data})

    return make


def _same(value: Any) -> Any:
    return value


def _convert(hint: Any) -> Callable[[Any], Any]:
    """How to turn a JSON value into a value of type `hint`."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _convert(args[0])
    if origin in (typing.Union, types.UnionType):
        inner = [_convert(a) for a in args if a is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"cannot rebuild {hint}")
        one = inner[0]
        return lambda v: None if v is None else one(v)
    if origin in (tuple, frozenset, list):
        item = _convert(args[0])
        container: Callable[[Any], Any] = origin
        if item is _same:
            return lambda v: container(v)
        return lambda v: container(item(x) for x in v)
    if hint is date:
        return date.fromisoformat
    if dataclasses.is_dataclass(hint):
        return _builder(hint)  # type: ignore[arg-type]
    return _same

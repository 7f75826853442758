"""Build typed, validated config dataclasses from plain mappings; parameter metadata.

The engine never sees a Hydra ``DictConfig``: the edge of the program turns the composed
config into nested dataclasses with :func:`build`, which rejects unknown keys and wrong
types with a one-line message that names the full key and what is allowed.

Each numeric parameter declares its bounds, unit and meaning once, on the dataclass field
(:func:`spec`).  The builder checks every declared field: numbers must be finite and inside
their bounds, year-keyed mappings (:data:`YearMap`) must have whole-year keys.  Checks that
relate two fields stay in the dataclass's ``__post_init__`` and raise :class:`ConfigError`
through :func:`check`.  :func:`kernel_scalars` turns a parameter block into a named tuple of
its numbers for the compiled kernels, so a kernel reads ``p.take_up`` rather than a position.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import math
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from sim.text import Text

#: A mapping from calendar year to a value (keys are whole years; YAML may write them bare).
YearMap = dict[int, float]

FIRST_YEAR, LAST_YEAR = 1901, 2199  # the years any date parameter may name


class ConfigError(ValueError):
    """A configuration value is unknown, mistyped or out of range (one-line message)."""


@dataclasses.dataclass(frozen=True)
class Spec:
    """What a parameter means: bounds (inclusive), unit and a one-line meaning in English and Chinese."""

    low: float | None = None
    high: float | None = None
    unit: str = ""
    doc: Text | None = None

    def allowed(self, whole: bool = False) -> str:
        """The allowed values as the one-line error message words them."""
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        return f"a {'whole number' if whole else 'number'} in [{lo}, {hi}]"

    def admits(self, value: float) -> bool:
        """Whether ``value`` is finite and within the bounds."""
        return (
            math.isfinite(value)
            and (self.low is None or value >= self.low)
            and (self.high is None or value <= self.high)
        )


def spec(
    low: float | None = None, high: float | None = None, unit: str = "", doc: Text | None = None, **field_kw: Any
) -> Any:
    """A dataclass field carrying its :class:`Spec` (bounds, unit, meaning) as metadata.

    Args:
        low: smallest allowed value (inclusive); None for none.
        high: largest allowed value (inclusive); None for none (the value must still be finite).
        unit: the unit, e.g. ``"yuan/post/yr"``, ``"share"``, ``"years"``.
        doc: one line saying what the parameter is, in English and Chinese (``--describe``, the page).
        **field_kw: passed to :func:`dataclasses.field` (e.g. ``default``).
    """
    if doc is not None and not isinstance(doc, Text):
        raise TypeError(f"doc: got {doc!r}; allowed: Text(English, Chinese)")
    return dataclasses.field(metadata={"spec": Spec(low, high, unit, doc)}, **field_kw)


def share(doc: Text | None = None, **field_kw: Any) -> Any:
    """A probability or share in [0, 1]."""
    return spec(0.0, 1.0, "share", doc, **field_kw)


def yuan(doc: Text | None = None, high: float = 1e7, unit: str = "yuan", **field_kw: Any) -> Any:
    """A non-negative amount of money, at most ``high`` (10 million yuan unless said)."""
    return spec(0.0, high, unit, doc, **field_kw)


def year(doc: Text | None = None, **field_kw: Any) -> Any:
    """A calendar year."""
    return spec(FIRST_YEAR, LAST_YEAR, "year", doc, **field_kw)


def spec_of(field: dataclasses.Field) -> Spec | None:
    """The :class:`Spec` a field declares, if any."""
    return field.metadata.get("spec")


def check(condition: bool, key: str, allowed: str, value: Any) -> None:
    """Raise ConfigError naming ``key`` and the allowed values unless ``condition`` holds."""
    if not condition:
        raise ConfigError(f"{key}: got {value!r}; allowed: {allowed}")


#: What a value of a plain type is called in a message.
PLAIN_TYPE_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


def _type_name(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(m.value for m in tp)
    if tp in PLAIN_TYPE_WORDS:
        return PLAIN_TYPE_WORDS[tp]
    return getattr(tp, "__name__", str(tp))


def _year_key(key: Any, path: str) -> int:
    text = str(key)
    if isinstance(key, bool) or not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ConfigError(f"{path}.{key}: got {key!r}; allowed: a year in [{FIRST_YEAR}, {LAST_YEAR}] as key")
    return int(text)


def _convert(tp: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, key)
    if hasattr(tp, "__schema_build__"):
        return tp.__schema_build__(value, key)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: got {value!r}; allowed: a mapping of settings")
        return build(tp, value, key)
    if origin in (list, tuple, Sequence):
        (item_tp, *_) = typing.get_args(tp) or (Any,)
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ConfigError(f"{key}: got {value!r}; allowed: a list")
        items = [_convert(item_tp, v, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        key_tp, val_tp = typing.get_args(tp)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: got {value!r}; allowed: a mapping")
        if key_tp is int:
            converted = {}
            for k, v in value.items():
                converted[_year_key(k, key)] = _convert(val_tp, v, f"{key}.{k}")
            return dict(sorted(converted.items()))
        return {str(k): _convert(val_tp, v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        allowed = [m.value for m in tp]
        if value not in allowed:
            raise ConfigError(f"{key}: got {value!r}; allowed: {', '.join(map(str, allowed))}")
        return tp(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: got {value!r}; allowed: true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: got {value!r}; allowed: a whole number")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key}: got {value!r}; allowed: a number")
        if not math.isfinite(value):
            raise ConfigError(f"{key}: got {value!r}; allowed: a finite number")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: got {value!r}; allowed: text")
        return value
    return value


@dataclasses.dataclass(frozen=True)
class YearSchedule:
    """A lever parameter given by year (the region ``Schedule`` form): ``{by_year: {year: v}, growth_after: g}``.

    The value in a year is that of the latest listed year at or before it (the first listed
    value before that), grown by ``growth_after`` per year after the last listed year.
    """

    by_year: dict[int, float]
    growth_after: float = 0.0

    def at(self, when: int) -> float:
        """Value in year ``when``."""
        years = sorted(self.by_year)
        known = max((y for y in years if y <= when), default=years[0])
        value = self.by_year[known]
        if known == years[-1] and when > known and self.growth_after:
            value = value * (1.0 + self.growth_after) ** (when - known)
        return value

    def __to_plain__(self) -> dict[str, Any]:
        return {"by_year": dict(self.by_year), "growth_after": self.growth_after}


def _schedule(tp: type, rule: Spec | None, value: Mapping, key: str) -> YearSchedule:
    """Build and check a :class:`YearSchedule` for a numeric field of type ``tp``."""
    unknown = sorted(set(map(str, value)) - {"by_year", "growth_after"})
    if unknown or "by_year" not in value or not isinstance(value["by_year"], Mapping) or not value["by_year"]:
        form = "{by_year: {year: value, ...}, growth_after: share/yr}"
        raise ConfigError(f"{key}: got {dict(value)!r}; allowed: a number, or {form}")
    by_year = {}
    for k, v in value["by_year"].items():
        year_key = _year_key(k, f"{key}.by_year")
        by_year[year_key] = _convert(tp, v, f"{key}.by_year.{k}")
        if rule is not None:
            _check_spec(rule, by_year[year_key], f"{key}.by_year.{k}")
    growth = _convert(float, value.get("growth_after", 0.0), f"{key}.growth_after")
    check(-0.5 <= growth <= 1.0, f"{key}.growth_after", "a number in [-0.5, 1]", growth)
    return YearSchedule(dict(sorted(by_year.items())), growth)


def schedulable(field: dataclasses.Field, tp: Any) -> bool:
    """Whether a field may be given by year: a number that is not itself a year."""
    rule = spec_of(field)
    return tp in (int, float) and not (rule is not None and rule.unit == "year")


def scheduled_fields(obj: Any) -> dict[str, YearSchedule]:
    """The fields of a built dataclass that hold a :class:`YearSchedule`."""
    values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {name: value for name, value in values.items() if isinstance(value, YearSchedule)}


def at_year(obj: Any, when: int) -> Any:
    """``obj`` with every scheduled field replaced by its value in year ``when`` (``obj`` itself if none)."""
    scheduled = scheduled_fields(obj)
    if not scheduled:
        return obj
    return dataclasses.replace(obj, **{name: schedule.at(when) for name, schedule in scheduled.items()})


def _check_spec(rule: Spec, value: Any, key: str) -> None:
    """Check a converted value (a number, or the numbers of a list or year mapping) against its spec."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            _check_spec(rule, v, f"{key}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_spec(rule, v, f"{key}[{i}]")
    elif isinstance(value, (int, float)):
        check(rule.admits(value), key, rule.allowed(whole=isinstance(value, int)), value)


def build(cls: type, data: Mapping[str, Any], path: str = "", schedules: bool = False) -> Any:
    """Instantiate dataclass ``cls`` from ``data``, checking keys, types and specs recursively.

    Args:
        cls: the dataclass to build.
        data: a plain mapping (e.g. ``OmegaConf.to_container(cfg, resolve=True)``).
        path: dotted prefix used in error messages.
        schedules: numeric fields may be given by year (:class:`YearSchedule`; lever parameters).
            Cross-field checks then run on the values of every listed year.

    Returns:
        An instance of ``cls``; its ``__post_init__`` has run its cross-field checks.

    Raises:
        ConfigError: on an unknown key, a missing required key, a wrong type or a value
            out of range.
    """
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    prefix = f"{path}." if path else ""
    unknown = sorted(set(map(str, data)) - set(fields))
    if unknown:
        raise ConfigError(
            f"{prefix}{unknown[0]}: unknown key; allowed keys under '{path or '<root>'}': " + ", ".join(sorted(fields))
        )
    kwargs = {}
    for name, field in fields.items():
        key = prefix + name
        if name in data:
            if schedules and isinstance(data[name], Mapping) and schedulable(field, hints[name]):
                kwargs[name] = _schedule(hints[name], spec_of(field), data[name], key)
                continue
            kwargs[name] = _convert(hints[name], data[name], key)
            rule = spec_of(field)
            if rule is not None:
                _check_spec(rule, kwargs[name], key)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{key}: missing required key; allowed: {_type_name(hints[name])}")
    scheduled = {k: v for k, v in kwargs.items() if isinstance(v, YearSchedule)}
    years = sorted({y for schedule in scheduled.values() for y in schedule.by_year})
    try:
        for when in years:  # every year's values pass the cross-field checks
            cls(**{**kwargs, **{k: v.at(when) for k, v in scheduled.items()}})
        if not scheduled:
            return cls(**kwargs)
    except ConfigError as err:
        # __post_init__ names the bare field; give it the full dotted key.
        raise ConfigError(f"{prefix}{err}") from None
    built = cls(**{**kwargs, **{k: v.at(years[0]) for k, v in scheduled.items()}})
    for name, schedule in scheduled.items():
        object.__setattr__(built, name, schedule)
    return built


def year_keyed_paths(cls: type, path: str = "") -> list[str]:
    """Dotted paths of every :data:`YearMap` field under dataclass ``cls`` (for override handling)."""
    found = []
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        tp, key = hints[field.name], f"{path}{field.name}"
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and args:
            tp = args[0]
        if typing.get_origin(tp) is dict and typing.get_args(tp)[0] is int:
            found.append(key)
        elif hasattr(tp, "__schema_paths__"):
            found.extend(tp.__schema_paths__(f"{key}."))
        elif dataclasses.is_dataclass(tp):
            found.extend(year_keyed_paths(tp, f"{key}."))
    return found


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A parameter found by its dotted key: its declared type and :class:`Spec` (if it declares one)."""

    key: str
    type: Any
    spec: Spec | None


def parameter(cls: type, key: str) -> Parameter:
    """The parameter at dotted ``key`` under dataclass ``cls`` (``policy.dibao.grace_years``).

    Raises:
        ConfigError: no parameter has that key.
    """
    tp, rule = cls, None
    for depth, name in enumerate(key.split(".")):
        if hasattr(tp, "__schema_fields__"):
            children, field = tp.__schema_fields__(), None
        elif dataclasses.is_dataclass(tp):
            children = typing.get_type_hints(tp)
            field = next((f for f in dataclasses.fields(tp) if f.name == name), None)
        else:
            children, field = {}, None
        if name not in children:
            parent = ".".join(key.split(".")[:depth]) or "<root>"
            raise ConfigError(f"{key}: unknown key; allowed keys under '{parent}': {', '.join(sorted(children))}")
        tp, rule = children[name], spec_of(field) if field is not None else None
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and args:
            tp = args[0]
    return Parameter(key, tp, rule)


def to_plain(obj: Any) -> Any:
    """Turn nested dataclasses/enums into plain JSON-ready data (for the manifest)."""
    if hasattr(obj, "__to_plain__"):
        return obj.__to_plain__()
    if dataclasses.is_dataclass(obj):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    return obj


def _is_scalar_type(tp: Any) -> bool:
    return tp in (bool, int, float) or (isinstance(tp, type) and issubclass(tp, enum.Enum))


def scalars_type(cls: type) -> type:
    """The named tuple of ``cls``'s scalar fields (numbers, flags, enums as their index).

    Created once per dataclass and attached as ``cls.Scalars`` so that numba can cache
    kernels that take it (the class must be importable by its qualified name).
    """
    existing = cls.__dict__.get("Scalars")
    if existing is not None:
        return existing
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if _is_scalar_type(hints[f.name])]
    tuple_type = collections.namedtuple("Scalars", names, module=cls.__module__)
    tuple_type.__qualname__ = f"{cls.__qualname__}.Scalars"
    tuple_type.__doc__ = f"Scalar fields of {cls.__qualname__}, for compiled kernels."
    cls.Scalars = tuple_type
    return tuple_type


def enum_index(member: enum.Enum) -> int:
    """Position of ``member`` in its enum: how kernels see an enum-valued parameter."""
    return list(type(member)).index(member)


def kernel_scalars(params: Any) -> tuple:
    """``params``'s scalar fields as the named tuple of :func:`scalars_type` (floats stay float64)."""
    tuple_type = scalars_type(type(params))
    values = []
    for name in tuple_type._fields:
        value = getattr(params, name)
        values.append(enum_index(value) if isinstance(value, enum.Enum) else value)
    return tuple_type(*values)

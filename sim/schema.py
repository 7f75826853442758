"""Build typed, validated config dataclasses from plain mappings.

The engine never sees a Hydra ``DictConfig``: the edge of the program turns the composed
config into nested dataclasses with :func:`build`, which rejects unknown keys and wrong
types with a one-line message that names the full key and what is allowed.  Range checks
live in each dataclass's ``__post_init__`` and raise :class:`ConfigError` via :func:`check`.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any


class ConfigError(ValueError):
    """A configuration value is unknown, mistyped or out of range (one-line message)."""


def check(condition: bool, key: str, allowed: str, value: Any) -> None:
    """Raise ConfigError naming ``key`` and the allowed values unless ``condition`` holds."""
    if not condition:
        raise ConfigError(f"{key}: got {value!r}; allowed: {allowed}")


def check_range(value: float, key: str, low: float | None = None, high: float | None = None) -> None:
    """Check ``low <= value <= high`` (either bound optional)."""
    ok = (low is None or value >= low) and (high is None or value <= high)
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    check(ok, key, f"a number in [{lo}, {hi}]", value)


def check_share(value: float, key: str) -> None:
    """Check that ``value`` is a share or probability in [0, 1]."""
    check_range(value, key, 0.0, 1.0)


def _type_name(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(m.value for m in tp)
    return getattr(tp, "__name__", str(tp))


def _convert(tp: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, key)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a mapping of settings, got {value!r}")
        return build(tp, value, key)
    if origin in (list, tuple, Sequence):
        (item_tp, *_) = typing.get_args(tp) or (Any,)
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        items = [_convert(item_tp, v, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        _, val_tp = typing.get_args(tp)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        return {str(k): _convert(val_tp, v, f"{key}.{k}") for k, v in value.items()}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        allowed = [m.value for m in tp]
        if value not in allowed:
            raise ConfigError(f"{key}: got {value!r}; allowed: {', '.join(map(str, allowed))}")
        return tp(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: expected a whole number, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected text, got {value!r}")
        return value
    return value


def build(cls: type, data: Mapping[str, Any], path: str = "") -> Any:
    """Instantiate dataclass ``cls`` from ``data``, checking keys and types recursively.

    Args:
        cls: the dataclass to build.
        data: a plain mapping (e.g. ``OmegaConf.to_container(cfg, resolve=True)``).
        path: dotted prefix used in error messages.

    Returns:
        An instance of ``cls``; its ``__post_init__`` has run its range checks.

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
            kwargs[name] = _convert(hints[name], data[name], key)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{key}: missing required key ({_type_name(hints[name])})")
    try:
        return cls(**kwargs)
    except ConfigError as err:
        # __post_init__ names the bare field; give it the full dotted key.
        raise ConfigError(f"{prefix}{err}") from None


def to_plain(obj: Any) -> Any:
    """Turn nested dataclasses/enums into plain JSON-ready data (for the manifest)."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    return obj

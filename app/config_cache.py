"""Each configuration file is parsed once per process, however often Hydra composes.

A command composes the configuration several times: the preflight validates it, Hydra works out
its run mode and composes it again for the job, a sweep composes every combination, and the
dashboard composes on every change.  Each composition re-reads and re-parses every YAML file it
uses (``conf/``, Hydra's own ``hydra/`` configs): about a quarter of its time, in a pure-Python
YAML parser.  :func:`install` makes Hydra's two file sources (``file://`` folders and ``pkg://``
packages) keep what they parsed and hand out a deep copy, so a composition reads no file twice.

The cache is keyed by the file's path and a digest of its bytes, so a file edited while the
process lives (a test rewriting a scenario, a planner saving a region file under the dashboard)
is read again.  What Hydra then does with the copy (defaults, merging, validation, its error
messages) is unchanged.  A forked process (the test suite's command-line cases) inherits the cache.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import yaml
from hydra._internal.sources_registry import SourcesRegistry
from hydra.core.plugins import Plugins
from hydra.plugins.config_source import ConfigResult, ConfigSource

#: The fastest YAML loader available (libyaml's when PyYAML was built with it): same results.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_parsed: dict[tuple, ConfigResult] = {}
_mappings: dict[tuple, object] = {}


def file_key(path: str | os.PathLike, content: bytes | None = None) -> tuple | None:
    """What identifies a file for the cache: its real path and a digest of its bytes (None if unreadable).

    The bytes, not the modification time: a file rewritten within the clock's granularity
    (a few milliseconds) with the same size must not be taken for the one read before.
    """
    real = os.path.realpath(path)
    if content is None:
        try:
            with open(real, "rb") as file:
                content = file.read()
        except OSError:
            return None
    return (real, hashlib.blake2b(content, digest_size=16).digest())


def read_yaml(path: Path) -> object:
    """``yaml.safe_load`` of a file, parsed once per content; the caller gets its own copy.

    Errors (``OSError``, ``UnicodeDecodeError``, ``yaml.YAMLError``) are raised as the plain load
    raises them, and nothing is cached for them.
    """
    content = path.read_bytes()
    key = file_key(path, content)
    if key not in _mappings:
        text = content.decode("utf-8")
        try:
            _mappings[key] = yaml.load(text, Loader=SAFE_LOADER)
        except yaml.YAMLError:
            # Parsed again by PyYAML's own parser, whose messages (line, problem) the user is shown.
            _mappings[key] = yaml.safe_load(text)
    return copy.deepcopy(_mappings[key])


def _copy(result: ConfigResult) -> ConfigResult:
    """A result Hydra may change freely: its own config tree and header."""
    return dataclasses.replace(result, config=copy.deepcopy(result.config), header=dict(result.header))


def _cached(load: Callable, key_of: Callable) -> Callable:
    """``load`` (a config source's ``load_config``) remembering each result under ``key_of(source, path)``."""

    @functools.wraps(load)
    def load_config(source, config_path: str) -> ConfigResult:
        key = key_of(source, config_path)
        if key is None:
            return load(source, config_path)
        if key not in _parsed:
            result = load(source, config_path)  # a missing or unreadable file raises, and is not kept
            if key_of(source, config_path) != key:
                return result  # rewritten while Hydra read it: what it read is not kept under either digest
            _parsed[key] = result
        return _copy(_parsed[key])

    load_config.uncached = load
    return load_config


def _file_key(source: ConfigSource, config_path: str) -> tuple | None:
    content = file_key(os.path.join(source.path, source._normalize_file_name(config_path)))
    return None if content is None else ("file", source.provider, source.path, config_path, *content)


def _package_key(source: ConfigSource, config_path: str) -> tuple:
    # An installed package's files do not change while the process lives.
    return ("pkg", source.provider, source.path, config_path)


def install() -> None:
    """Make Hydra's file and package config sources parse each file once (idempotent)."""
    # Hydra's plugin scan executes its own modules again, defining the source classes anew: patch
    # the classes it registered, after the scan (once per process).
    Plugins.instance()
    for scheme, key_of in (("file", _file_key), ("pkg", _package_key)):
        source = SourcesRegistry.instance().resolve(scheme)
        if not hasattr(source.load_config, "uncached"):
            source.load_config = _cached(source.load_config, key_of)

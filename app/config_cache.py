"""Hydra composes each configuration as it always would, for a fraction of the cost.

A command composes the configuration several times: the preflight validates it, Hydra composes
it again for the job, a sweep composes every combination and every job, and the dashboard
composes on every change.  Hydra alone spends about a quarter of a second on each.
:func:`install` removes four costs, each without changing what a composition gives:

1. **Each file is parsed once per process.**  Hydra's two file sources (``file://`` folders and
   ``pkg://`` packages) keep what they parsed, keyed by the file's path and a digest of its
   bytes, and hand out a copy; a file edited while the process lives (a test rewriting a
   scenario, a planner saving a region file under the dashboard) is read again.
2. **Copying Hydra's repository shares the config store.**  Each composition copies its config
   repository (``CachingConfigRepository``), whose structured source held the ConfigStore, so
   every composition deep-copied every stored node (the scenarios, the levers' options, Hydra's
   schemas).  The copy now shares the store, as Hydra's own main branch does
   (facebookresearch/hydra pull request 2928: the source looks the singleton up instead of
   holding it).  Loading from the store still hands out a copy of the node.
3. **A defaults list builds its interpolation map only when it needs one.**  Hydra built a
   config of every known choice for each config node, to read it only for entries such as
   ``db: ${db_type}``; none of this project's lists have one, Hydra's own neither.
4. **The merge of a defaults list is remembered.**  Compositions that choose the same options
   (every value override of a command, the job after its preflight, a sweep's jobs, the
   dashboard's controls) merge the same files in the same order; the merged tree is kept and
   each composition gets its own copy, to which Hydra then applies the command's overrides as
   always.  The key is every entry of the list (path, package, parent, place) with the digest of
   its file, and the state of the ConfigStore for stored nodes and schemas, so an edited file or
   a new registration is merged anew.

Copies are made by pickling (OmegaConf's own state, flags included), several times faster
than ``copy.deepcopy`` of the same tree.  A forked process (the test suite's command-line
cases) inherits what its parent kept.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import dataclasses
import functools
import hashlib
import os
import pickle
import weakref
from collections.abc import Callable
from pathlib import Path

import yaml
from hydra._internal import defaults_list as hydra_defaults_list
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.core_plugins.structured_config_source import StructuredConfigSource
from hydra._internal.sources_registry import SourcesRegistry
from hydra.core.config_store import ConfigStore
from hydra.core.plugins import Plugins
from hydra.plugins.config_source import ConfigResult, ConfigSource

#: The fastest YAML loader available (libyaml's when PyYAML was built with it): same results.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Merged defaults lists kept (the least recently used goes first); one is about 50 kB.
KEEP_MERGED = 64
#: Pickled ConfigStore nodes kept (the scenarios, the levers' options and Hydra's schemas fit).
KEEP_NODES = 512

_parsed: dict[tuple, bytes] = {}
_mappings: dict[tuple, object] = {}
_merged: collections.OrderedDict[tuple, bytes] = collections.OrderedDict()
_nodes: collections.OrderedDict[tuple, bytes] = collections.OrderedDict()
#: Each ConfigStore's present state: a new token whenever something is stored in it.
_store_state: weakref.WeakKeyDictionary[ConfigStore, object] = weakref.WeakKeyDictionary()


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


def store_state(store: ConfigStore | None = None) -> object:
    """A token that changes whenever something is stored in ``store`` (the ConfigStore by default)."""
    store = ConfigStore.instance() if store is None else store
    if store not in _store_state:
        _store_state[store] = object()
    return _store_state[store]


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
            _parsed[key] = _pickled(result)
        if _parsed[key] is None:  # Hydra's way when pickle cannot: a deep copy
            return dataclasses.replace(result, config=copy.deepcopy(result.config), header=dict(result.header))
        result = pickle.loads(_parsed[key])  # a result Hydra may change freely: its own tree and header
        result.content_key = key
        return result

    load_config.uncached = load
    return load_config


def _file_key(source: ConfigSource, config_path: str) -> tuple | None:
    content = file_key(os.path.join(source.path, source._normalize_file_name(config_path)))
    return None if content is None else ("file", source.provider, source.path, config_path, *content)


def _package_key(source: ConfigSource, config_path: str) -> tuple:
    # An installed package's files do not change while the process lives.
    return ("pkg", source.provider, source.path, config_path)


def _stored(load: Callable) -> Callable:
    """A structured source's ``load_config``, its result marked with the store's state."""

    @functools.wraps(load)
    def load_config(source, config_path: str) -> ConfigResult:
        result = load(source, config_path)
        result.content_key = ("structured", source.provider, source.path, config_path)
        return result

    load_config.uncached = load
    return load_config


def _storing(store: Callable) -> Callable:
    """``ConfigStore.store`` giving the store a new state token."""

    @functools.wraps(store)
    def store_node(self, *args, **kwargs) -> None:
        try:
            store(self, *args, **kwargs)
        finally:
            _store_state[self] = object()

    store_node.unpatched = store
    return store_node


def _forget_oldest(kept: collections.OrderedDict, size: int) -> None:
    """Let the oldest entries of ``kept`` go until it holds ``size``."""
    with contextlib.suppress(KeyError):  # emptied by another thread meanwhile
        while len(kept) > size:
            kept.popitem(last=False)


def _copying_by_pickle(load: Callable) -> Callable:
    """``ConfigStore.load``: the stored node copied by unpickling what was pickled once, not by ``deepcopy``."""

    @functools.wraps(load)
    def load_node(self, config_path: str):
        found = copy.copy(self._load(config_path))  # raises ConfigLoadError as Hydra's load does
        key = (store_state(self), config_path)
        kept = _nodes.get(key)
        if kept is None:
            kept = _pickled(found.node)
            if kept is None:
                found.node = copy.deepcopy(found.node)
                return found
            _nodes[key] = kept
            _forget_oldest(_nodes, KEEP_NODES)
        found.node = pickle.loads(kept)
        return found

    load_node.unpatched = load
    return load_node


def copy_of(cfg):
    """A copy of a composed configuration that shares nothing with it (as ``copy.deepcopy``, several times faster)."""
    kept = _pickled(cfg)
    return copy.deepcopy(cfg) if kept is None else pickle.loads(kept)


def _pickled(value) -> bytes | None:
    """``value`` pickled, or None where pickle cannot take it.

    A class that Hydra's plugin scan defined a second time (a launcher's or sweeper's schema in a
    sweep's worker) is not the one its module names, and pickle refuses it; ``copy.deepcopy``,
    Hydra's own way, copies it then.
    """
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def _share_the_store(self, memo: dict) -> StructuredConfigSource:
    """A copy of a structured source: its provider and path, and the one ConfigStore (not a copy of it)."""
    clone = copy.copy(self)
    memo[id(self)] = clone
    return clone


def _interpolation_map_when_needed(build: Callable) -> Callable:
    """Hydra's ``_create_interpolation_map``, built only for a defaults list with an interpolated entry.

    Hydra reads the map only to resolve such entries (``_create_defaults_tree_impl``); for any
    other list the map it would have built is never read, so None stands for it.
    """

    @functools.wraps(build)
    def create_interpolation_map(overrides, defaults_list, self_added):
        if any(entry.is_interpolation() for entry in defaults_list):
            return build(overrides, defaults_list, self_added)
        return None

    create_interpolation_map.unpatched = build
    return create_interpolation_map


def _merge_key(defaults: list, repo) -> tuple | None:
    """What the merge of ``defaults`` depends on, or None when something in it is not known to the cache."""
    parts: list = [store_state()]
    for entry in defaults:
        loaded = repo.load_config(config_path=entry.config_path)  # already loaded for the defaults list
        content = getattr(loaded, "content_key", None)
        if content is None:
            return None
        parts.append(
            (entry.config_path, entry.parent, entry.package, entry.is_self, entry.primary, entry.override_key, content)
        )
    return tuple(parts)


def _remembered(merge: Callable) -> Callable:
    """``ConfigLoaderImpl._compose_config_from_defaults_list`` keeping each merged tree (see the module)."""

    @functools.wraps(merge)
    def compose_config_from_defaults_list(self, defaults, repo):
        key = _merge_key(defaults, repo)
        if key is None:
            return merge(self, defaults, repo)
        kept = _merged.get(key)
        if kept is not None:
            with contextlib.suppress(KeyError):  # another thread may have let it go meanwhile
                _merged.move_to_end(key)
            return pickle.loads(kept)
        cfg = merge(self, defaults, repo)  # a failure raises here and nothing is kept
        kept = _pickled(cfg)
        if kept is not None:
            _merged[key] = kept
            _forget_oldest(_merged, KEEP_MERGED)
        return cfg

    compose_config_from_defaults_list.unpatched = merge
    return compose_config_from_defaults_list


def install() -> None:
    """Make Hydra compose as described in this module (idempotent)."""
    # Hydra's plugin scan executes its own modules again, defining the source classes anew: patch
    # the classes it registered, after the scan (once per process).
    Plugins.instance()
    for scheme, key_of in (("file", _file_key), ("pkg", _package_key)):
        source = SourcesRegistry.instance().resolve(scheme)
        if not hasattr(source.load_config, "uncached"):
            source.load_config = _cached(source.load_config, key_of)
    structured = SourcesRegistry.instance().resolve("structured")
    for source in {structured, StructuredConfigSource}:
        if not hasattr(source.load_config, "uncached"):
            source.load_config = _stored(source.load_config)
        source.__deepcopy__ = _share_the_store
    if not hasattr(ConfigStore.store, "unpatched"):
        ConfigStore.store = _storing(ConfigStore.store)
    if not hasattr(ConfigStore.load, "unpatched"):
        ConfigStore.load = _copying_by_pickle(ConfigStore.load)
    if not hasattr(hydra_defaults_list._create_interpolation_map, "unpatched"):
        hydra_defaults_list._create_interpolation_map = _interpolation_map_when_needed(
            hydra_defaults_list._create_interpolation_map
        )
    if not hasattr(ConfigLoaderImpl._compose_config_from_defaults_list, "unpatched"):
        ConfigLoaderImpl._compose_config_from_defaults_list = _remembered(
            ConfigLoaderImpl._compose_config_from_defaults_list
        )


class Uninstalled:
    """Hydra as it composes without this module, for as long as the context lasts (a test's reference)."""

    def __enter__(self) -> Uninstalled:
        """Put Hydra's own functions back."""
        self._saved = []
        structured = SourcesRegistry.instance().resolve("structured")
        places = [
            (SourcesRegistry.instance().resolve("file"), "load_config"),
            (SourcesRegistry.instance().resolve("pkg"), "load_config"),
            (structured, "load_config"),
            (StructuredConfigSource, "load_config"),
            (ConfigStore, "store"),
            (ConfigStore, "load"),
            (hydra_defaults_list, "_create_interpolation_map"),
            (ConfigLoaderImpl, "_compose_config_from_defaults_list"),
        ]
        for owner, name in places:
            patched = getattr(owner, name)
            self._saved.append((owner, name, patched))
            setattr(owner, name, getattr(patched, "uncached", None) or getattr(patched, "unpatched", patched))
        for owner in {structured, StructuredConfigSource}:
            self._saved.append((owner, "__deepcopy__", owner.__dict__.get("__deepcopy__")))
            if "__deepcopy__" in owner.__dict__:
                delattr(owner, "__deepcopy__")
        return self

    def __exit__(self, *exc) -> None:
        """Patch Hydra again."""
        for owner, name, value in reversed(self._saved):
            if value is not None:
                setattr(owner, name, value)

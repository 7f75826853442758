"""Compose and validate a run configuration; turn every failure into one line.

Hydra composes ``conf/`` plus what the code declares: the scenario files in ``scenarios/``
(the config group ``scenario``), and, from the lever registry (:mod:`sim.steps`), the
``policy_levers`` defaults list (one ``policy/<lever>`` option per lever) and each lever's
``none`` option (its default with ``enabled: false``).  :func:`sim.config.from_mapping`
validates the result into dataclasses.  Failures raise :class:`UsageError` with a one-line
message naming the key and the allowed values; ``run.py`` prints it and exits non-zero before
any output directory exists.

Year-keyed mappings (``region.poverty_line.by_year``, ``policy.housing.quota_households_by_year``,
...) have whole-year keys; ``key.2018=3000`` on the command line is rewritten to Hydra's
``++key={2018:3000}``, which sets that year and keeps the others.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import re
import sys
import warnings
import weakref
from pathlib import Path

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf, open_dict

from app import config_cache
from app.config_cache import read_yaml
from app.experiments import ExperimentConfig, experiment_config
from app.identity import folder_name, run_label
from app.rundir import run_stamp
from sim import steps
from sim.config import RunConfig, from_mapping
from sim.population import check_feasible
from sim.schema import ConfigError, year_keyed_paths
from sim.text import Text

ROOT = Path(__file__).resolve().parent.parent
CONF_DIR = ROOT / "conf"
SCENARIO_DIR = ROOT / "scenarios"


class UsageError(Exception):
    """A bad command line or config: the message is one line for the user."""


@functools.cache
def published_stock(region: str) -> float:
    """Registered-poor persons in ``conf/region/<region>.yaml`` as published (the file's value)."""
    path = CONF_DIR / "region" / f"{region}.yaml"
    try:
        return float(yaml.safe_load(path.read_text(encoding="utf-8"))["registered_poor_persons"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError):
        raise UsageError(f"scaled_from: region {region!r} has no readable registered_poor_persons in {path}") from None


def scaled_from(region: str, value: float, *, _root_: DictConfig) -> float:
    """``value``, a volume ``region`` published, scaled to this region's registered-poor stock.

    Lever defaults quote Henan's published programme volumes (e.g. seed 000's 6.29万 relocated
    persons for its stock of 221.4万, read from ``conf/region/henan.yaml``); another region
    gets the same volume per registered person.
    """
    return float(value) * float(_root_.region.registered_poor_persons) / published_stock(str(region))


def rural_share(share: float, *, _root_: DictConfig) -> float:
    """``share`` of the region's rural population (persons)."""
    return float(share) * float(_root_.region.rural_population_persons)


# conf/hydra/launcher/{joblib,ray}.yaml give Hydra's launcher plugins this project's defaults; Hydra
# checks them against the plugins' own schemas (wanted) and warns that this matching is deprecated.
warnings.filterwarnings("ignore", message=r"(?s).*validated against ConfigStore schema", category=UserWarning)

config_cache.install()
OmegaConf.register_new_resolver("scaled_from", scaled_from, replace=True)
# Cached: a sweep's jobs (even in other processes) get the driver's value through Hydra's copied cache.
OmegaConf.register_new_resolver("run_stamp", run_stamp, replace=True, use_cache=True)
OmegaConf.register_new_resolver("rural_share", rural_share, replace=True)
# Not cached: every job of a sweep resolves its own folder.
OmegaConf.register_new_resolver("run_folder", lambda *, _root_: run_folder(_root_=_root_), replace=True)


#: Scenario files that could not be read: name -> the one-line reason (only runs using them fail).
BROKEN_SCENARIOS: dict[str, str] = {}


def yaml_error(path: Path, err: yaml.YAMLError) -> str:
    """One line naming the file, the line and the problem of a YAML error."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
    problem = getattr(err, "problem", None) or _first_line(str(err))
    return f"{where}: not valid YAML ({problem}); allowed: a mapping of settings"


def register_scenarios(directory: Path = SCENARIO_DIR) -> list[str]:
    """Register every readable ``scenarios/*.yaml`` as option ``scenario=<stem>``; return the names.

    A file that is not valid YAML, or not a mapping, is not registered; a run that asks for it
    gets its one-line reason (:data:`BROKEN_SCENARIOS`), every other run works.
    """
    store = ConfigStore.instance()
    names = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            node = read_yaml(path) or {}
        except yaml.YAMLError as err:
            BROKEN_SCENARIOS[path.stem] = yaml_error(path, err)
            continue
        except (OSError, UnicodeDecodeError) as err:
            BROKEN_SCENARIOS[path.stem] = f"{path}: cannot be read ({err}); allowed: a UTF-8 YAML file"
            continue
        if not isinstance(node, dict):
            BROKEN_SCENARIOS[path.stem] = f"{path}: got {type(node).__name__}; allowed: a mapping of overrides"
            continue
        BROKEN_SCENARIOS.pop(path.stem, None)
        store.store(group="scenario", name=path.stem, node=node, package="_global_")
        names.append(path.stem)
    return names


def scenario_question(name: str, directory: Path = SCENARIO_DIR, lang: str = "en") -> str:
    """The question a scenario file asks: its ``# Question:`` comment (up to ``Grounding:``).

    In Chinese (``lang="zh"``) it is the ``# 问题：`` line, or the English one where the file has none.
    """
    path = directory / f"{name}.yaml"
    if name in BROKEN_SCENARIOS or not path.is_file():
        return "(cannot be read: run it to see why)"
    comments = [line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]
    if lang == "zh":
        chinese = next((c.removeprefix("问题：") for c in comments if c.startswith("问题：")), None)
        if chinese:
            return chinese
    start = next((i for i, c in enumerate(comments) if c.startswith("Question: ")), None)
    if start is None:
        return "(no question stated)"
    question = []
    for comment in comments[start:]:
        if comment.startswith("Grounding: "):
            break
        question.append(comment)
    return " ".join(question).removeprefix("Question: ")


def scenario_title(name: str, directory: Path = SCENARIO_DIR) -> Text | None:
    """The planner's name of a scenario: its ``# Title: English | 中文`` comment (None without one)."""
    path = directory / f"{name}.yaml"
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# Title: "):
            en, _, zh = line.removeprefix("# Title: ").partition(" | ")
            return Text(en.strip(), zh.strip())
    return None


def register_levers() -> None:
    """Declare the lever defaults list and each lever's ``none`` option from the registry."""
    store = ConfigStore.instance()
    defaults = [{f"policy/{lever.name}": lever.default_option} for lever in steps.levers()]
    store.store(name="policy_levers", node={"defaults": defaults})
    for lever in steps.levers():
        node = {"defaults": [lever.default_option, "_self_"], "enabled": False}
        store.store(group=f"policy/{lever.name}", name="none", node=node)


def group_options(group: str) -> list[str]:
    """Options of a config group (e.g. ``region``, ``policy/dibao``), files and derived ones."""
    if group == "scenario":
        return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml") if p.stem not in BROKEN_SCENARIOS)
    if group.startswith("hydra/"):
        return _hydra_group_options(group)
    options = {p.stem for p in (CONF_DIR / group).glob("*.yaml")}
    if group.startswith("policy/") and group.removeprefix("policy/") in {lv.name for lv in steps.levers()}:
        options.add("none")
    return sorted(options)


_YEAR_OVERRIDE = re.compile(r"^(?P<prefix>[+~]*)(?P<path>[A-Za-z_][\w.]*)\.(?P<year>\d+)=(?P<value>.*)$")
_MAPPING_OVERRIDE = re.compile(r"^(?P<prefix>[+~]*)(?P<path>[A-Za-z_][\w.]*)=(?P<value>.*)$")


def year_overrides(overrides: list[str]) -> list[str]:
    """Rewrite ``<year-keyed mapping>.<year>=v`` as ``++<mapping>={<year>:v}`` (Hydra merges it).

    YAML reads year keys as whole numbers, which Hydra's dotted paths cannot name; the dict
    form can.  ``<mapping>={}`` is refused: a mapping override merges, so it would change nothing.
    """
    paths = _year_keyed_paths(tuple(lever.name for lever in steps.levers()))
    rewritten = []
    for override in overrides:
        match = _YEAR_OVERRIDE.match(override)
        if match and match["path"] in paths and "~" not in match["prefix"]:
            values = [v.strip() for v in _split_sweep(match["value"])]
            override = f"++{match['path']}=" + ",".join(f"{{{match['year']}:{v}}}" for v in values)
        else:
            whole = _MAPPING_OVERRIDE.match(override)
            if whole and whole["path"] in paths and whole["value"].replace(" ", "") == "{}":
                raise UsageError(
                    f"{whole['path']}: got {{}}; allowed: {{year: value, ...}} entries, which replace those years "
                    f"(or {whole['path']}.<year>=<value>)"
                )
        rewritten.append(override)
    return rewritten


@functools.cache
def _year_keyed_paths(_levers: tuple[str, ...]) -> frozenset[str]:
    """The year-keyed settings of a run (once per set of declared levers: each lever's parameters add some)."""
    return frozenset(year_keyed_paths(RunConfig))


def _split_sweep(value: str) -> list[str]:
    """Split a simple comma sweep (``3000,3100``) outside brackets; anything else is one value."""
    parts, depth, current = [], 0, ""
    for char in value:
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


#: What the config store was last given by :func:`register_all`, per store (see there).
_REGISTERED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def register_all() -> None:
    """Put the declared scenario and lever configs in Hydra's config store, unless it holds them already.

    Every composition calls this; storing a node costs as much as a tenth of a composition, and
    storing anew tells :mod:`app.config_cache` that the store changed.  So the scenario files'
    digests and the levers' names are kept per store, and what is stored again only when they
    changed (a scenario saved or edited, a new store in a sweep's worker).
    """
    files = tuple(config_cache.file_key(path) for path in sorted(SCENARIO_DIR.glob("*.yaml")))
    levers = tuple((lever.name, lever.default_option) for lever in steps.levers())
    store = ConfigStore.instance()
    if _REGISTERED.get(store) == (files, levers):
        return
    register_scenarios()
    register_levers()
    _REGISTERED[store] = (files, levers)


def compose_dict(overrides: list[str], with_hydra: bool = False) -> DictConfig:
    """Compose ``conf/config.yaml`` with overrides; raise UsageError on failure.

    With ``with_hydra`` the result includes Hydra's own settings (``hydra.*`` overrides and
    launcher or sweeper choices are then validated too).
    """
    register_all()
    overrides = year_overrides(overrides)
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key == "scenario" and value in BROKEN_SCENARIOS:
            raise UsageError(f"scenario: {BROKEN_SCENARIOS[value]}")
        if key in ("region", "scenario", "population", "dynamics") and "=" in override and not value.strip():
            raise UsageError(f"{key}: got an empty option; allowed: {', '.join(group_options(key))}")
        if key in ("region", "scenario", "population", "dynamics", "calibration") and re.search(r"[/\\]|^\.", value):
            raise UsageError(f"{key}: got {value!r}; allowed: {', '.join(group_options(key))}")
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3", job_name="run"):
            return compose(config_name="config", overrides=overrides, return_hydra_config=with_hydra)
    except Exception as err:  # Hydra raises several exception types; all become one line
        raise UsageError(explain_hydra_error(err, overrides)) from None
    finally:
        GlobalHydra.instance().clear()


def _hydra_group_options(group: str) -> list[str]:
    """Options Hydra knows for one of its own groups (e.g. the installed launchers)."""
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3", job_name="run"):
            return sorted(GlobalHydra.instance().config_loader().get_group_options(group))
    except Exception:  # Hydra raises several exception types; an unknown group has no options
        return []
    finally:
        GlobalHydra.instance().clear()


def job_directories(
    combinations: list[list[str]],
    configs: list[RunConfig],
    hydra_settings: list[str],
    multirun: bool,
    composed: DictConfig | None = None,
) -> tuple[Path | None, list[Path]]:
    """The sweep folder (for ``-m``) and the run folder of every job, as Hydra will name them.

    A sweep's job folders are ``<region>/<label>`` (``hydra.sweep.subdir``), so two jobs that
    would share a folder are refused here.  Composing with Hydra's settings also validates them
    (``hydra.*`` keys, launcher choices).  A sweep whose ``hydra.sweep.subdir`` was changed has its
    job folders named by Hydra at run time; they are then treated as folders the run did not create.
    ``composed`` is the first combination already composed with Hydra's settings, when the caller has it.
    """
    cfg = composed if composed is not None else compose_dict([*combinations[0], *hydra_settings], with_hydra=True)
    try:
        if not multirun:
            return None, [Path(os.path.abspath(OmegaConf.select(cfg, "hydra.run.dir")))]
        sweep = Path(os.path.abspath(OmegaConf.select(cfg, "hydra.sweep.dir")))
        subdir = OmegaConf.to_container(cfg.hydra.sweep, resolve=False)["subdir"]
    except Exception as err:  # an interpolation in a hydra setting that does not resolve
        raise UsageError(f"hydra.run.dir: {_first_line(str(err))}; allowed: a path") from None
    if str(subdir) != "${run_folder:}":
        return sweep, []
    directories: dict[Path, str] = {}
    for config in configs:
        directory = sweep / config.region.name / folder_name(config.label)
        if directory in directories:
            raise UsageError(
                f"label: {config.label!r} names two jobs of this sweep in {config.region.name} "
                f"({directories[directory]} and another); allowed: one label per configuration "
                "(leave label unset to derive it from the overrides)"
            )
        directories[directory] = config.label
    return sweep, list(directories)


def sweep_combinations(overrides: list[str]) -> list[list[str]]:
    """Every override list a sweep (``-m a=1,2 b=x,y``) expands to; one list when nothing sweeps."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    overrides = year_overrides(overrides)
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception as err:  # Hydra's parser raises its own exception types
        raise UsageError(explain_hydra_error(err, overrides)) from None
    from hydra.core.override_parser.types import Glob, IntervalSweep

    choices = []
    for override in parsed:
        key = override.input_line.split("=", 1)[0]
        value = override.value()
        if isinstance(value, IntervalSweep):
            raise UsageError(
                f"{key.lstrip('+~')}: interval(...) asks an optimising sweeper for continuous values; allowed: "
                "a list a,b,c, range(start,stop,step), choice(a,b) or, for a config group, glob(pattern)"
            )
        if isinstance(value, Glob):
            group = override.key_or_group.lstrip("+~")
            if group not in GROUPS_WITH_OPTIONS and not group.startswith("policy/"):
                raise UsageError(
                    f"{group}: glob(...) selects options of a config group; allowed for: "
                    f"{', '.join(GROUPS_WITH_OPTIONS)}, policy/<lever>"
                )
            matched = value.filter(group_options(group))
            if not matched:
                raise UsageError(f"{group}: glob matched no option; allowed: {', '.join(group_options(group))}")
            choices.append([f"{key}={option}" for option in matched])
        elif override.is_sweep_override():
            choices.append([f"{key}={item}" for item in override.sweep_string_iterator()])
        else:
            choices.append([override.input_line])
    return [list(combination) for combination in itertools.product(*choices)]


GROUPS_WITH_OPTIONS = ("region", "scenario", "population", "dynamics")


def load_config(overrides: list[str], composed: DictConfig | None = None) -> RunConfig:
    """Compose and validate a :class:`RunConfig` from command-line overrides.

    Besides each value, it checks that the population can be synthesised and fits in memory.
    The run's label derives from the overrides unless ``label=`` names it.  ``composed`` is the
    configuration already composed from these overrides (with or without Hydra's settings), when
    the caller has it.
    """
    if composed is None:
        composed = compose_dict(overrides)
    elif "hydra" in composed:
        composed = config_cache.copy_of(composed)  # the run's settings, without Hydra's
        with open_dict(composed):
            del composed["hydra"]
    config = to_run_config(composed, overrides)
    try:
        check_feasible(config.region, config.population)
    except ConfigError as err:
        raise UsageError(str(err)) from None
    for line in withdrawn_settings(config, overrides):
        print(f"warning: {line}", file=sys.stderr)
    return config


def withdrawn_settings(config: RunConfig, overrides: list[str]) -> list[str]:
    """One line per override that sets a parameter of a lever this run withdraws (it has no effect)."""
    lines = []
    for override in overrides:
        key = override.lstrip("+~").partition("=")[0].strip()
        parts = key.split(".")
        if len(parts) < 3 or parts[0] != "policy" or parts[2] == "enabled":
            continue
        block = getattr(config.policy, parts[1], None)
        if block is not None and getattr(block, "enabled", True) is False:
            lines.append(
                f"{key} is set, but the lever {parts[1]} is withdrawn in this run "
                f"(policy/{parts[1]}=none or its scenario); the setting has no effect"
            )
    return lines


def to_run_config(cfg: DictConfig, overrides: list[str]) -> RunConfig:
    """Resolve and validate a composed config; its label derives from ``overrides`` unless set."""
    try:
        data = OmegaConf.to_container(cfg, resolve=True)
    except Exception as err:  # OmegaConf's interpolation and resolver errors carry the key
        key = getattr(err, "full_key", None) or "a setting"
        reason = _first_line(str(err)).replace("UsageError raised while resolving interpolation: ", "")
        raise UsageError(f"{key}: {reason}; allowed: a value, or an interpolation that resolves") from None
    try:
        experiment_config(data.pop("experiment", None))
        config = from_mapping(data)
    except ConfigError as err:
        raise UsageError(_at_source(cfg, str(err))) from None
    chosen = chosen_region(overrides)
    if config.region.name != chosen:
        raise UsageError(
            f"region.name: got {config.region.name!r} in conf/region/{chosen}.yaml; allowed: {chosen!r} "
            "(a region's name is its file's name: it names the run's folders and result rows)"
        )
    return dataclasses.replace(config, label=run_label(config.scenario_name, year_overrides(overrides), config.label))


def _at_source(cfg: DictConfig, message: str) -> str:
    """``message`` naming the setting a bad value was written in, when its key only reads it by interpolation.

    ``policy.monitoring.start_year`` is ``${policy.transition.start_year}``: a bad value typed for the
    transition's year must be reported under the key the user typed.
    """
    key, sep, rest = message.partition(": ")
    source, seen = key, set()
    while sep and source not in seen:
        seen.add(source)
        try:
            raw = OmegaConf.to_container(OmegaConf.select(cfg, source.rsplit(".", 1)[0]) or {}, resolve=False)
        except Exception:  # the key's parent is not a mapping (a list index, a missing block): name it as it is
            break
        value = raw.get(source.rsplit(".", 1)[-1]) if isinstance(raw, dict) else None
        linked = re.fullmatch(r"\$\{([A-Za-z0-9_.]+)\}", value) if isinstance(value, str) else None
        if linked is None:
            break
        source = linked.group(1)
    if source == key:
        return message
    return f"{source}: {rest} (read by {key})"


def chosen_region(overrides: list[str]) -> str:
    """The region option a command composes: its last ``region=`` override, else the default's."""
    for override in reversed(overrides):
        key, _, value = override.lstrip("+~").partition("=")
        if key == "region" and value:
            return value
    return _default_region()


@functools.cache
def _default_region() -> str:
    defaults = yaml.safe_load((CONF_DIR / "config.yaml").read_text(encoding="utf-8"))["defaults"]
    return next(entry["region"] for entry in defaults if isinstance(entry, dict) and "region" in entry)


def run_folder(*, _root_: DictConfig) -> str:
    """``hydra.sweep.subdir`` of a job: ``<region>/<label folder>`` (resolved where the job runs)."""
    overrides = list(OmegaConf.select(_root_, "hydra.overrides.task", default=None) or [])
    label = run_label(str(_root_.scenario_name), overrides, _root_.get("label"))
    return f"{_root_.region.name}/{folder_name(label)}"


def experiment_of(cfg: DictConfig) -> ExperimentConfig | None:
    """The validated ``experiment`` block of a composed config (None for a plain run)."""
    node = cfg.get("experiment")
    try:
        return experiment_config(None if node is None else OmegaConf.to_container(node, resolve=True))
    except ConfigError as err:
        raise UsageError(str(err)) from None


def is_experiment_override(override: str) -> bool:
    """Whether ``override`` chooses or sets the experiment (not passed on to the experiment's runs)."""
    return override.lstrip("+~").startswith(("experiment=", "experiment."))


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), text.strip())


def explain_hydra_error(err: Exception, overrides: list[str]) -> str:
    """One line naming the offending key and the allowed values."""
    text, cause = str(err), err.__cause__ or err.__context__
    while cause is not None:
        text += "\n" + str(cause)
        cause = cause.__cause__ or cause.__context__
    if "codec can't decode" in text:
        bad = _undecodable(overrides)
        where = f"{bad[0]}: {bad[1]}" if bad else "a config file"
        return f"{where}: not UTF-8 text ({_first_line(text)}); allowed: a YAML file in UTF-8"
    if isinstance(err, yaml.YAMLError) or "while parsing" in text or "while scanning" in text:
        mark = re.search(r'in "([^"]+)", line (\d+)', text)
        where = f"{mark.group(1)}:{mark.group(2)}" if mark else "a config file"
        return f"{where}: not valid YAML ({_first_line(text)}); allowed: a mapping of settings"
    missing = re.search(r"Could not find '([^']+)/([^'/]+)'", text)
    if missing:
        group, option = missing.group(1).lstrip("/"), missing.group(2)
        return f"{group}: unknown option '{option}'; allowed: {', '.join(group_options(group))}"
    empty = re.search(r"Could not find '([^']+)/'", text)
    if empty:
        group = empty.group(1).lstrip("/")
        return f"{group}: got an empty option; allowed: {', '.join(group_options(group))}"
    if "Error merging override" in text:
        bad = re.search(r"Error merging override (\S+)", text)
        key = bad.group(1).split("=", 1)[0].lstrip("+~") if bad else "?"
        reason = _first_line(text.split("\n", 1)[1]) if "\n" in text else text
        return f"{key}: {reason}; allowed: a value of the setting's type"
    unknown = re.search(r"full_key: (\S+)", text) or re.search(r"Could not override '([^']+)'", text)
    if unknown and ("is not in struct" in text or "Could not override" in text):
        name = unknown.group(1)
        parent = name.rsplit(".", 1)[0] if "." in name else ""
        return f"{name}: unknown key; allowed keys under '{parent or '<root>'}': {_allowed_keys(parent)}"
    group_value = re.search(r"Config group override must be a string or a list. Got (\w+)", text)
    if group_value:
        bad = _group_override_of_type(overrides, group_value.group(1))
        if bad is not None:
            group, _, value = bad.lstrip("+~").partition("=")
            return f"{group}: got {value!r}; allowed: {', '.join(group_options(group))}"
    parse_errors = ("Error parsing override", "mismatched input", "no viable", "must be a string", "LexerNoViable")
    if any(marker in text for marker in parse_errors):
        bad = _unparsable(overrides) or next((o for o in overrides if o in text), overrides[-1] if overrides else "")
        return (
            f"{bad}: cannot parse this override; allowed: key=value with an ASCII key (e.g. population.scale=50), "
            "a value with spaces, quotes or non-ASCII text in quotes"
        )
    return _first_line(text)


def _undecodable(overrides: list[str]) -> tuple[str, str] | None:
    """(key, file) of the first config-group option chosen on the command line whose file is not UTF-8."""
    chosen = {"region": chosen_region(overrides)}
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key in ("scenario", "population", "dynamics", "calibration") and value:
            chosen[key] = value
    for key, value in chosen.items():
        path = (SCENARIO_DIR if key == "scenario" else CONF_DIR / key) / f"{value}.yaml"
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return key, str(path.relative_to(ROOT))
        except OSError:
            continue
    return None


def _unparsable(overrides: list[str]) -> str | None:
    """The first override Hydra's grammar cannot parse, if any."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    for override in overrides:
        try:
            parser.parse_overrides([override])
        except Exception:  # Hydra's OverrideParseException and lexer errors alike
            return override
    return None


def _group_override_of_type(overrides: list[str], type_name: str) -> str | None:
    """The config-group override whose value Hydra reads as ``type_name`` (``region=5`` is an int)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    groups = {p.name for p in CONF_DIR.iterdir() if p.is_dir()} | {"scenario"}
    for override in overrides:
        try:
            (parsed,) = parser.parse_overrides([override])
        except Exception:  # unparsable overrides are reported elsewhere
            continue
        if parsed.key_or_group in groups and type(parsed.value()).__name__ == type_name:
            return override
    return None


def _allowed_keys(parent: str) -> str:
    try:
        cfg = compose_dict([], with_hydra=parent.split(".")[0] == "hydra")
    except UsageError:
        return "?"
    node = OmegaConf.select(cfg, parent) if parent else cfg
    if isinstance(node, DictConfig):
        return ", ".join(sorted(str(k) for k in node))
    return "(none: not a group of settings)"

"""The order of a year as data: phases, process and lever declarations, and their registry.

A year is a sequence of steps with one signature, ``(households, params, ctx) -> Effect``.
Each yearly process declares itself once with :class:`Process` and each policy lever with
:class:`Lever`, in its own module (``sim/processes/``, ``sim/policies/``); both packages import
every module they hold, so a new module joins the year by existing.  A step says which
:class:`Phase` of the year it belongs to and, where the order inside a phase matters, which
steps it must follow (``after``).  :func:`year_steps` resolves the order once: phases in enum
order; inside a phase processes first, then levers, each in registration order unless an
``after`` says otherwise.  An unknown phase, an ``after`` naming a step of another phase or no
step at all, or a cycle, fails when the step is registered or the order resolved.

The configuration blocks derive from the same registry: ``dynamics.<key>`` from the processes'
parameter classes, ``policy.<lever>`` from the levers', the lever defaults list and each
lever's ``none`` option (app.compose), the withdrawable set of the 2021 transition, and the
cost metrics.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sim.context import PUBLISHED, Effect
from sim.rng import POPULATION, uniforms, year_generator, year_key
from sim.schema import ConfigError, at_year, build, scheduled_fields, to_plain, year_keyed_paths
from sim.state import Households
from sim.text import Text

StepFunction = Callable[[Households, Any, Any], Effect]


class Phase(enum.IntEnum):
    """The phases of a year, in the order they run (what each holds: :data:`PHASE_MEANING`)."""

    DEMOGRAPHY = 1
    SHOCKS = 2
    HEALTH = 3
    LABOUR = 4
    PLACEMENT = 5
    INCOME = 6
    MEDICAL = 7
    TRANSFERS = 8
    ASSESSMENT = 9
    REGISTRATION = 10
    AREAS = 11


#: What each phase holds (the README's order of a year is generated from this and the registry).
PHASE_MEANING = {
    Phase.DEMOGRAPHY: "deaths, ageing, births",
    Phase.SHOCKS: "shocks that strike many households at once: area disasters, labour-market shocks",
    Phase.HEALTH: "illness and disability of the index member",
    Phase.LABOUR: "labour capacity, market job loss and finding",
    Phase.PLACEMENT: "levers that place workers or households: jobs, training, relocation, housing",
    Phase.INCOME: "market incomes, then income levers",
    Phase.MEDICAL: "medical spending under insurance, then health levers",
    Phase.TRANSFERS: "pension, 低保, 兜底 and the campaign's guarantees",
    Phase.ASSESSMENT: "true poverty status",
    Phase.REGISTRATION: "register flows (exits by route, identification, returns), then monitoring",
    Phase.AREAS: "village and county exits",
}


class DrawKind(enum.Enum):
    """How a declared draw is made from its stream each year, and what ``ctx.draws[name]`` gives.

    A draw source (the first three kinds) is the year's key, from which a kernel draws a
    household's number where it reads it, so households it skips cost nothing; in a neutral
    year (and where a test chooses the numbers) it is a filled array instead.  Either way the
    numbers are the slot-0 numbers of :mod:`sim.rng`.
    """

    UNIFORM32 = "uniform32"  # a source of float32 uniforms: kernels read rng.uniform32_at(draw, i)
    UNIFORM64 = "uniform64"  # a source of float64 uniforms: kernels read rng.uniform64_at(draw, i)
    NORMAL32 = "normal32"  # a source of float32 standard normals: steps take rng.normals32_of(draw, n, among)
    UNIFORM64_ARRAY = "uniform64_array"  # float64 uniforms filled when first read, for numpy code that reads them whole
    KEY = "key"  # the year's key: the step's kernel draws inline (sim.rng.uniform), up to rng.SLOTS a household
    GENERATOR = "generator"  # a numpy generator for the year, for area-level draws whose number depends on the state


@dataclasses.dataclass(frozen=True)
class Draw:
    """Random numbers a step needs each year: ``ctx.draws[name]``, from the named stream."""

    name: str
    stream: str
    kind: DrawKind


@dataclasses.dataclass(frozen=True)
class Process:
    """A yearly process: what it is called, when it runs, its function and its parameter block.

    Attributes:
        name: step name, unique across processes and levers.
        phase: the phase of the year it runs in.
        run: ``(households, params, ctx) -> Effect``.
        config: key of its parameter block under ``dynamics`` (None if it has none); several
            processes may share one block.
        params: the parameter dataclass of that block.
        draws: random numbers it reads from ``ctx.draws``.
        after: steps of the same phase it must follow.
        counts: names of the per-stratum person counts its ``Effect.counts`` reports (metrics read
            them with :class:`sim.metrics.Flow`; an undeclared name is an error, never a silent 0).
    """

    name: str
    phase: Phase
    run: StepFunction
    config: str | None = None
    params: type | None = None
    draws: tuple[Draw, ...] = ()
    after: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Lever:
    """A policy lever: its name, parameter class, yearly function and place in the year.

    Attributes:
        name: lever name; its config block is ``policy.<name>`` with options in
            ``conf/policy/<name>/`` and a derived ``none`` option (``enabled: false``).
        params: the parameter dataclass (it must have ``enabled: bool``).
        apply: ``(households, params, ctx) -> Effect``; None for a lever that only publishes
            (the transition regime).
        phase: the phase it acts in (None with no ``apply``).
        withdrawable: whether the 2021 transition may withdraw it from exited households.
        default_option: the option ``conf/config.yaml`` composes by default.
        after: steps of the same phase it must follow.
        publish: ``(params, year) -> {key: value}`` for values other steps read from the
            context.
        publishes: the keys ``publish`` returns (each one of :data:`sim.context.PUBLISHED`).
        complete: ``(params) -> None`` run after every lever block is built, for checks
            that need the whole registry (e.g. names of withdrawn levers).
        dose: the parameters that are the lever's intensity (capacity, quota, coverage, amount),
            scaled together when the lever-response experiment gives it k times its dose.
        counts: names of the per-stratum person counts its ``Effect.counts`` reports.
        title: the lever's name as a planner writes it, in English and Chinese (report, figures,
            dashboard, ``run.py --describe``).
    """

    name: str
    params: type
    apply: StepFunction | None
    phase: Phase | None
    withdrawable: bool = False
    default_option: str = "default"
    after: tuple[str, ...] = ()
    publish: Callable[[Any, int], Mapping[str, Any]] | None = None
    publishes: tuple[str, ...] = ()
    complete: Callable[[Any], None] | None = None
    dose: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    title: Text = dataclasses.field(kw_only=True)


@dataclasses.dataclass(frozen=True)
class Step:
    """One resolved step of the year: the function to call and where its parameters live."""

    name: str
    phase: Phase
    run: StepFunction
    params_path: tuple[str, ...]  # attribute path in RunConfig, () for none
    is_lever: bool
    counts: tuple[str, ...] = ()  # the counts it may report


_PROCESSES: dict[str, Process] = {}
_LEVERS: dict[str, Lever] = {}
_CHANGE_HOOKS: list[Callable[[], None]] = []
_year_cache: tuple[Step, ...] | None = None


def _changed() -> None:
    global _year_cache
    _year_cache = None
    for hook in _CHANGE_HOOKS:
        hook()


def on_change(hook: Callable[[], None]) -> None:
    """Call ``hook`` whenever a process or lever is registered or removed (derived caches)."""
    _CHANGE_HOOKS.append(hook)


def _check_new(name: str, phase: Any) -> None:
    if name in _PROCESSES or name in _LEVERS:
        raise ValueError(f"a step named {name!r} is already registered")
    if phase is not None and not isinstance(phase, Phase):
        raise ValueError(f"step {name!r}: phase {phase!r} is not a Phase; allowed: {', '.join(p.name for p in Phase)}")


def register_process(process: Process) -> Process:
    """Add a yearly process to the year; return it (modules keep it as ``PROCESS``)."""
    _check_new(process.name, process.phase)
    if process.config is not None:
        for other in _PROCESSES.values():
            if other.config == process.config and other.params is not process.params:
                raise ValueError(f"dynamics.{process.config} is declared with two parameter classes")
    streams = {d.stream: p.name for p in _PROCESSES.values() for d in p.draws}
    for draw in process.draws:
        if draw.stream in streams:
            raise ValueError(f"stream {draw.stream!r} of {process.name} is already drawn by {streams[draw.stream]}")
    _PROCESSES[process.name] = process
    _changed()
    return process


def register_lever(lever: Lever) -> Lever:
    """Add a policy lever to the registry; return it (modules keep it as ``LEVER``)."""
    _check_new(lever.name, lever.phase)
    if (lever.apply is None) != (lever.phase is None):
        raise ValueError(f"lever {lever.name!r}: give both apply and phase, or neither")
    unknown = [key for key in lever.publishes if key not in PUBLISHED]
    if unknown or bool(lever.publishes) != (lever.publish is not None):
        raise ValueError(
            f"lever {lever.name!r}: declare publish and publishes together; keys allowed: {', '.join(PUBLISHED)}"
        )
    fields = {f.name for f in dataclasses.fields(lever.params)}
    if "enabled" not in fields:
        raise ValueError(f"lever {lever.name!r}: its Params needs an 'enabled' field (the none option)")
    unknown_dose = [name for name in lever.dose if name not in fields]
    if unknown_dose:
        raise ValueError(f"lever {lever.name!r}: dose {unknown_dose[0]!r} is not a field of its Params")
    _LEVERS[lever.name] = lever
    _changed()
    return lever


def unregister(name: str) -> None:
    """Remove a process or lever (for tests that register a toy one)."""
    _PROCESSES.pop(name, None)
    _LEVERS.pop(name, None)
    _changed()


def processes() -> tuple[Process, ...]:
    """Registered processes in registration order."""
    return tuple(_PROCESSES.values())


def levers() -> tuple[Lever, ...]:
    """Registered levers in registration order."""
    return tuple(_LEVERS.values())


def lever(name: str) -> Lever:
    """The registered lever called ``name``."""
    return _LEVERS[name]


def withdrawable() -> tuple[str, ...]:
    """Names of the levers the 2021 transition may withdraw."""
    return tuple(lv.name for lv in _LEVERS.values() if lv.withdrawable)


def acting_levers() -> tuple[str, ...]:
    """Names of the levers that act on households (each has a cost metric), in year order."""
    return tuple(s.name for s in year_steps() if s.is_lever)


def dynamics_blocks() -> dict[str, type]:
    """``dynamics`` key -> parameter class, from the registered processes."""
    return {p.config: p.params for p in _PROCESSES.values() if p.config is not None}


def year_steps() -> tuple[Step, ...]:
    """The steps of a year in the order they run (resolved once per registry state)."""
    global _year_cache
    if _year_cache is None:
        _year_cache = _resolve()
    return _year_cache


def _resolve() -> tuple[Step, ...]:
    candidates = [
        Step(p.name, p.phase, p.run, ("dynamics", p.config) if p.config else (), False, p.counts)
        for p in _PROCESSES.values()
    ]
    candidates += [
        Step(lv.name, lv.phase, lv.apply, ("policy", lv.name), True, lv.counts)
        for lv in _LEVERS.values()
        if lv.apply is not None
    ]
    after = {p.name: p.after for p in _PROCESSES.values()} | {lv.name: lv.after for lv in _LEVERS.values()}
    phase_of = {s.name: s.phase for s in candidates}
    for name, required in after.items():
        for other in required:
            if other not in phase_of:
                raise ValueError(f"step {name!r} must follow {other!r}, which is not a step of the year")
            if name in phase_of and phase_of[other] != phase_of[name]:
                raise ValueError(f"step {name!r} names {other!r} in 'after', but it runs in another phase")
    ordered: list[Step] = []
    for phase in Phase:
        pending = [s for s in candidates if s.phase == phase]  # processes first, then levers
        while pending:
            done = {s.name for s in ordered}
            ready = next((s for s in pending if set(after[s.name]) <= done), None)
            if ready is None:
                raise ValueError(f"the 'after' declarations of {[s.name for s in pending]} form a cycle")
            ordered.append(ready)
            pending.remove(ready)
    return tuple(ordered)


#: Draws every lever may read (``ctx.u_alloc``, ``ctx.u_target``, ``ctx.u_monitor``).
COMMON_DRAWS: tuple[Draw, ...] = (
    Draw("u_alloc", "allocation", DrawKind.UNIFORM64_ARRAY),  # allocation tie-breaks; lever keys derive from it
    Draw("u_target", "targeting", DrawKind.UNIFORM32),  # take-up and targeting errors
    Draw("u_monitor", "monitoring", DrawKind.UNIFORM32),  # discovery by monitoring
)


def declared_counts() -> tuple[str, ...]:
    """Every count name a step of the year declares it reports."""
    return tuple(dict.fromkeys(name for step in year_steps() for name in step.counts))


def declared_draws() -> tuple[Draw, ...]:
    """Every draw of a year: the common ones, then each process's."""
    return (*COMMON_DRAWS, *(d for p in _PROCESSES.values() for d in p.draws))


def stream_names() -> tuple[str, ...]:
    """Every random stream a run uses: synthesis's, then each declared draw's."""
    return tuple(dict.fromkeys((POPULATION, *(d.stream for d in declared_draws()))))


class YearDraws(Mapping):
    """The year's random numbers by draw name, each made from its stream's year key when first read.

    A draw a step never reads this year (its step switched off, say) costs nothing, and the
    numbers do not depend on the order steps read them in: each is a function of (seed,
    replicate, stream, year, household) alone (:mod:`sim.rng`).
    """

    def __init__(self, seed: int, replicate: int, year: int, n: int, neutral: bool = False) -> None:
        """Draws of ``year`` for ``n`` households; ``neutral`` gives 0.5 uniforms and zero normals."""
        self.seed, self.replicate, self.year, self.n, self.neutral = seed, replicate, year, n, neutral
        self._declared = {draw.name: draw for draw in declared_draws()}
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        """The draw called ``name`` (see :class:`DrawKind` for what each kind gives)."""
        if name not in self._made:
            self._made[name] = self._make(self._declared[name])
        return self._made[name]

    def __iter__(self):
        """Declared draw names."""
        return iter(self._declared)

    def __len__(self) -> int:
        """Number of declared draws."""
        return len(self._declared)

    def _make(self, draw: Draw) -> Any:
        if draw.kind is DrawKind.GENERATOR:
            return year_generator(self.seed, self.replicate, draw.stream, self.year)
        key = year_key(self.seed, self.replicate, draw.stream, self.year)
        if draw.kind is DrawKind.KEY:
            return key
        if self.neutral:
            if draw.kind is DrawKind.NORMAL32:
                return np.zeros(self.n, np.float32)
            return np.full(self.n, 0.5, np.float32 if draw.kind is DrawKind.UNIFORM32 else np.float64)
        return uniforms(key, self.n) if draw.kind is DrawKind.UNIFORM64_ARRAY else key


def draw_year(seed: int, replicate: int, year: int, n: int, neutral: bool = False) -> YearDraws:
    """The year's random numbers for ``n`` households, one entry per declared draw (:class:`YearDraws`).

    Every stream's numbers are keyed by the year and the household, so a household sees the same
    shocks under every policy mix (common random numbers).  ``neutral`` gives 0.5 for uniforms and
    0 for normals (the year before the start, whose incomes use up no stream).
    """
    return YearDraws(seed, replicate, year, n, neutral)


def published_values(policy: Any, year: int) -> dict[str, Any]:
    """Values the levers publish for ``year`` (for :class:`sim.context.YearContext`)."""
    values: dict[str, Any] = {}
    for lv in _LEVERS.values():
        if lv.publish is None:
            continue
        for key, value in lv.publish(getattr(policy, lv.name), year).items():
            if key not in lv.publishes:
                raise ValueError(f"lever {lv.name!r} publishes {key!r}, which it does not declare")
            values[key] = value
    return values


class Blocks:
    """Parameter blocks by name (``config.policy.dibao``), built from a registry at validation."""

    def __init__(self, blocks: dict[str, Any]) -> None:
        """Hold validated parameter blocks in registry order."""
        self._blocks = dict(blocks)

    def __getattr__(self, name: str) -> Any:
        """The block called ``name``."""
        try:
            return self.__dict__["_blocks"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):
        """Block names in registry order."""
        return iter(self._blocks)

    def __eq__(self, other: object) -> bool:
        """Equal when every block is equal."""
        return type(other) is type(self) and other._blocks == self._blocks

    __hash__ = None

    def __repr__(self) -> str:
        """Blocks by name."""
        return f"{type(self).__name__}({self._blocks!r})"

    def replace(self, **blocks: Any) -> Blocks:
        """A copy with some blocks replaced."""
        return type(self)({**self._blocks, **blocks})

    def __to_plain__(self) -> dict[str, Any]:
        return {name: to_plain(block) for name, block in self._blocks.items()}

    @classmethod
    def _registry(cls) -> dict[str, type]:
        raise NotImplementedError

    @classmethod
    def __schema_build__(cls, value: Any, key: str) -> Blocks:
        registry = cls._registry()
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: got {value!r}; allowed: a mapping of settings")
        unknown = sorted(set(map(str, value)) - set(registry))
        if unknown:
            raise ConfigError(f"{key}.{unknown[0]}: unknown key; allowed keys under '{key}': {', '.join(registry)}")
        missing = [name for name in registry if name not in value]
        if missing:
            raise ConfigError(f"{key}.{missing[0]}: missing required key; allowed: a block of settings")
        schedules = cls._schedules()
        blocks = cls({name: build(cls_, value[name], f"{key}.{name}", schedules) for name, cls_ in registry.items()})
        scheduled_years = sorted(
            {y for block in blocks._blocks.values() for s in scheduled_fields(block).values() for y in s.by_year}
        )
        for when in scheduled_years or [None]:  # checks across blocks hold in every listed year
            (blocks if when is None else blocks.at(when))._complete(key)
        return blocks

    @classmethod
    def _schedules(cls) -> bool:
        """Whether numeric parameters of these blocks may be given by year."""
        return False

    def at(self, when: int) -> Blocks:
        """These blocks with every parameter given by year replaced by its value in year ``when``."""
        return type(self)({name: at_year(block, when) for name, block in self._blocks.items()})

    def is_scheduled(self) -> bool:
        """Whether any parameter is given by year."""
        return any(scheduled_fields(block) for block in self._blocks.values())

    def _complete(self, key: str) -> None:
        """Checks across blocks, after all are built."""

    @classmethod
    def __schema_fields__(cls) -> dict[str, type]:
        return cls._registry()

    @classmethod
    def __schema_paths__(cls, prefix: str) -> list[str]:
        return [
            path for name, params in cls._registry().items() for path in year_keyed_paths(params, f"{prefix}{name}.")
        ]


class PolicyConfig(Blocks):
    """The policy mix: one parameter block per registered lever (``policy.<lever>``).

    Any numeric lever parameter may be a constant or a schedule by year (:class:`sim.schema.YearSchedule`).
    """

    @classmethod
    def _schedules(cls) -> bool:
        return True

    @classmethod
    def _registry(cls) -> dict[str, type]:
        return {lv.name: lv.params for lv in _LEVERS.values()}

    def _complete(self, key: str) -> None:
        for lv in _LEVERS.values():
            if lv.complete is not None:
                try:
                    lv.complete(getattr(self, lv.name))
                except ConfigError as err:
                    raise ConfigError(f"{key}.{lv.name}.{err}") from None


class DynamicsConfig(Blocks):
    """Behavioural and administrative rates: one block per process parameter key (``dynamics.<key>``)."""

    @classmethod
    def _registry(cls) -> dict[str, type]:
        return dynamics_blocks()


def year_table() -> str:
    """The markdown table of the year's steps in ``docs/DESIGN.md`` (a test keeps the two equal)."""
    lines = ["| # | phase | step | kind | parameters | module |", "|---|---|---|---|---|---|"]
    modules = {p.name: p.run.__module__ for p in _PROCESSES.values()}
    modules |= {lv.name: lv.apply.__module__ for lv in _LEVERS.values() if lv.apply is not None}
    for i, step in enumerate(year_steps(), 1):
        params = ".".join(step.params_path) or "-"
        kind = "lever" if step.is_lever else "process"
        lines.append(
            f"| {i} | {step.phase.name.lower()} | `{step.name}` | {kind} | `{params}` | `{modules[step.name]}` |"
        )
    return "\n".join(lines)


def year_summary() -> str:
    """The README's order of a year: one line per phase with its steps (levers marked), in order."""
    lines = []
    for number, phase in enumerate(Phase, 1):
        names = [
            f"`{step.name}`" + (" (lever)" if step.is_lever else "") for step in year_steps() if step.phase == phase
        ]
        lines.append(f"{number}. {phase.name.capitalize()}: {PHASE_MEANING[phase]}. Steps: {', '.join(names) or '-'}.")
    return "\n".join(lines)


def lever_table() -> str:
    """The markdown table of registered levers in ``docs/DESIGN.md``."""
    lines = [
        "| lever | phase | after | withdrawable in 2021 | default option | publishes |",
        "|---|---|---|---|---|---|",
    ]
    for lv in _LEVERS.values():
        phase = lv.phase.name.lower() if lv.phase is not None else "- (not a step)"
        after = ", ".join(f"`{a}`" for a in lv.after) or "-"
        publishes = ", ".join(f"`{k}`" for k in lv.publishes) or "-"
        withdrawable = "yes" if lv.withdrawable else "no"
        lines.append(f"| `{lv.name}` | {phase} | {after} | {withdrawable} | `{lv.default_option}` | {publishes} |")
    return "\n".join(lines)

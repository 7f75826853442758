"""Household state as a struct of numpy arrays, declared once in :data:`COLUMNS`.

Every household is one row index across all arrays; there is no Python object per
household (a per-object layout measured ~90x slower, see shared ARCHITECTURE notes).
Money is yuan per household per year unless a unit says otherwise.  The health state
belongs to the household's *index member*: the member whose illness or disability the
registration record (建档立卡) names as the cause of poverty.

Each column is one :class:`Column` (name, dtype, default, unit, meaning, enum, group).  The
:class:`Households` container, its empty builder, the invariant checks, the checked fold of a
step's updates, the named groups the kernels take (:data:`GROUPS`), the panel codebook and the
column table in ``docs/DESIGN.md`` all derive from that one list.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
from typing import Any

import numpy as np

from sim.jit import inline
from sim.schema import share
from sim.text import Text


class Stratum(enum.IntEnum):
    """Population stratum at synthesis (kept for reporting; never changes)."""

    REGISTERED = 0  # registered poor (建档立卡) at the end of the year before the start
    NEAR_POOR = 1  # edge households at risk (边缘易致贫户)
    NON_POOR = 2  # the rest of the rural population
    EXITED = 3  # left the register before the start (已脱贫人口 of earlier years)


#: Number of strata: the length of every per-stratum count (``Effect.counts``, stratum weights).
N_STRATA = len(Stratum)


class Band(enum.IntEnum):
    """Age band of a member."""

    CHILD = 0  # 0-15
    ADULT = 1  # 16-64, working age
    ELDER = 2  # 65 and over


@dataclasses.dataclass
class ByBand:
    """A probability for each age band: child (0-15), adult (16-64), elder (65+)."""

    child: float = share(Text("per member of the band per year", "该档每人每年"))
    adult: float = share(Text("per member of the band per year", "该档每人每年"))
    elder: float = share(Text("per member of the band per year", "该档每人每年"))

    def as_array(self) -> np.ndarray:
        """Values indexed by :class:`Band`."""
        return np.array([self.child, self.adult, self.elder], dtype=np.float64)


@inline
def rows_where(flags):  # pragma: no cover - compiled
    """The rows where ``flags`` is set (not 0), ascending, listed with no branch.

    Each row is written at the next free place and the place moves on only when the row is
    kept (into one spare slot at the end), so a loop over a few scattered rows that follows does
    not pay a mispredicted jump for every row it skips, as ``if not flags[i]: continue`` does.
    """
    count = 0
    for i in range(flags.size):  # counted first (a vectorised sum), so the list takes only its own size
        count += flags[i] != 0
    rows, k = np.empty(count + 1, np.int64), 0
    for i in range(flags.size):
        rows[k] = i
        k += flags[i] != 0
    return rows[:k]


@inline
def of_band(band, child, adult, elder):  # pragma: no cover - compiled
    """The value for age band ``band``, chosen by selection rather than read from a table.

    A loop whose values are all chosen this way (no lookup by a household's value) has no
    gather, so the compiler vectorises it.
    """
    return child if band == Band.CHILD else (adult if band == Band.ADULT else elder)


class Illness(enum.IntEnum):
    """Illness of the index member."""

    NONE = 0
    CHRONIC = 1
    MAJOR = 2


class Disability(enum.IntEnum):
    """Disability of the index member."""

    NONE = 0
    MODERATE = 1
    SEVERE = 2


class Job(enum.IntEnum):
    """Employment of the household's main worker."""

    NONE = 0
    FARMING = 1
    LOCAL_WAGE = 2
    MIGRANT = 3
    WORKSHOP = 4  # poverty workshop job near home (扶贫车间)


class SideJob(enum.IntEnum):
    """Part-time work a member holds beside the household's main job (it does not replace farming)."""

    NONE = 0
    PUBLIC_POST = 1  # public-welfare post (公益岗位), e.g. ecological forest ranger (生态护林员)


class Registration(enum.IntEnum):
    """Administrative status in the registration system (建档立卡)."""

    NEVER = 0
    POOR = 1  # registered and not exited
    EXITED = 2  # exited (脱贫); may return (返贫)


class ExitRoute(enum.IntEnum):
    """How a household left the register the last time it exited."""

    NONE = 0  # never exited
    DEVELOPMENT = 1  # own income (without guarantee transfers) above the line, guarantees met
    GUARANTEE = 2  # lifted by guarantee transfers (兜底脱贫)


class Cause(enum.IntEnum):
    """Main cause of the household's poverty risk at the start, as a register record would give it.

    Seed 000 singles out the poor "因病致贫", the disabled and those "无劳动能力"; the groups are
    taken in that order of precedence from the state at synthesis: illness of the index member,
    else disability, else no member with labour capacity, else other causes.  Fixed for good, so
    survival curves by cause compare the same households under every scenario.
    """

    ILLNESS = 0
    DISABILITY = 1
    NO_LABOUR = 2
    OTHER = 3


class MonitorCategory(enum.IntEnum):
    """Why a household is monitored: seed 002's three groups of households at risk.

    Seed 002: "将脱贫不稳定户、边缘易致贫户,以及…刚性支出较大或收入大幅缩减导致基本生活出现严重困难户,
    作为易返贫致贫人口开展靶向防贫监测".
    """

    NONE = 0
    UNSTABLE = 1  # 脱贫不稳定户: an exited household at risk of returning to poverty
    EDGE = 2  # 边缘易致贫户: a never-registered household near or below the monitoring line
    HARDSHIP = 3  # 突发严重困难户: large rigid expenses or a sharp income fall causing severe hardship


#: Jobs whose worker earns a market wage (lookup table indexed by Job).
MARKET_WAGE_JOB = np.zeros(len(Job), dtype=bool)
MARKET_WAGE_JOB[[Job.LOCAL_WAGE, Job.MIGRANT]] = True
#: Jobs of a worker open to market job finding.
SEEKING_JOB = np.zeros(len(Job), dtype=bool)
SEEKING_JOB[[Job.NONE, Job.FARMING, Job.WORKSHOP]] = True
# The two tables as bit sets, so a loop can test a household's job without a lookup (and vectorise)
_MARKET_WAGE_BITS = sum(1 << int(job) for job in Job if MARKET_WAGE_JOB[job])
_SEEKING_BITS = sum(1 << int(job) for job in Job if SEEKING_JOB[job])


@inline
def is_market_wage_job(job):  # pragma: no cover - compiled
    """``MARKET_WAGE_JOB[job]`` as a bit test (no table lookup)."""
    return (_MARKET_WAGE_BITS >> job) & 1 != 0


@inline
def is_seeking_job(job):  # pragma: no cover - compiled
    """``SEEKING_JOB[job]`` as a bit test (no table lookup)."""
    return (_SEEKING_BITS >> job) & 1 != 0


@dataclasses.dataclass(frozen=True)
class Column:
    """One household column: its type, default, unit and meaning, and the group kernels see it in."""

    name: str
    dtype: type
    default: Any
    unit: str
    meaning: str
    group: str
    codes: type[enum.IntEnum] | None = None  # enum whose values the column holds
    money: bool = False  # yuan: must be finite and non-negative
    panel: bool = False  # exported in the household-year panel
    income: str | None = None  # part of household income: "own" (earned, pensions) or "transfer" (兜底 transfers)
    yearly: bool = False  # this year's flow: zero at the start of every year, so each step that pays into it adds


def _columns(group: str, *specs: tuple) -> list[Column]:
    return [Column(*spec[:5], group, **(spec[5] if len(spec) > 5 else {})) for spec in specs]


_MONEY = {"money": True}
#: Income the household has without guarantee transfers, and the guarantee transfers; both yearly flows.
_OWN = {"money": True, "income": "own", "yearly": True}
_TRANSFER = {"money": True, "income": "transfer", "yearly": True}
_YUAN = "yuan/household/yr"

#: Member counts: 16 bits, so no valid configuration overflows them (births are bounded at 0.1 per
#: working-age member a year, sizes at 20 and runs at 50 years: at most ~7x growth from 20 members).
PERSONS = np.uint16

#: Every household column, in group order.  Add a column here and nowhere else.
COLUMNS: tuple[Column, ...] = (
    *_columns(
        "identity",
        (
            "stratum",
            np.uint8,
            Stratum.NON_POOR,
            "code",
            "population stratum at synthesis",
            {"codes": Stratum, "panel": True},
        ),
        ("weight", np.float64, 1.0, "households", "real households this row represents", {"panel": True}),
        (
            "cause",
            np.uint8,
            Cause.OTHER,
            "code",
            "main cause of poverty risk at the start (fixed)",
            {"codes": Cause, "panel": True},
        ),
    ),
    *_columns(
        "place",
        ("county", np.int32, 0, "id", "county of the household's village"),
        ("village", np.int32, 0, "id", "village of residence"),
        ("deep_village", np.bool_, False, "flag", "lives in a deep-poverty village (深度贫困村)"),
        ("relocated_year", np.int16, 0, "year", "year of relocation (易地扶贫搬迁); 0 = not relocated"),
        ("housing_safe", np.bool_, True, "flag", "dwelling is safe (住房安全有保障)"),
        ("disaster_year", np.int16, 0, "year", "last year an area disaster struck the household's village; 0 = never"),
    ),
    *_columns(
        "members",
        ("n_child", PERSONS, 0, "persons", "members aged 0-15"),
        ("n_adult", PERSONS, 0, "persons", "members aged 16-64 (working age)"),
        ("n_elder", PERSONS, 0, "persons", "members aged 65+"),
        ("size", np.int32, 0, "persons", "members; always n_child + n_adult + n_elder", {"panel": True}),
    ),
    *_columns(
        "health",
        ("index_band", np.uint8, Band.ADULT, "code", "age band of the index member", {"codes": Band}),
        ("illness", np.uint8, Illness.NONE, "code", "illness of the index member", {"codes": Illness, "panel": True}),
        (
            "disability",
            np.uint8,
            Disability.NONE,
            "code",
            "disability of the index member",
            {"codes": Disability, "panel": True},
        ),
    ),
    *_columns(
        "labour",
        ("n_labour_full", PERSONS, 0, "persons", "members with full labour capacity (derived yearly)"),
        ("n_labour_partial", PERSONS, 0, "persons", "members with partial labour capacity (derived yearly)"),
        ("job", np.uint8, Job.NONE, "code", "job of the main worker", {"codes": Job, "panel": True}),
        ("skill", np.float32, 1.0, "multiple", "earnings multiplier, fixed per household"),
        ("trained_until", np.int16, 0, "year", "last year a training effect lasts; 0 = never trained"),
        ("finding_multiplier", np.float32, 1.0, "multiple", "multiplier on market job finding next year (training)"),
        ("placed_wage", np.float32, 0.0, "yuan/yr", "pay of a placed main job (workshop); 0 otherwise", _MONEY),
        (
            "side_job",
            np.uint8,
            SideJob.NONE,
            "code",
            "part-time job a member holds beside the main job",
            {"codes": SideJob, "panel": True},
        ),
        ("side_wage", np.float32, 0.0, "yuan/yr", "pay of the side job; 0 without one", _MONEY),
    ),
    *_columns(
        "money",
        ("inc_farm", np.float32, 0.0, _YUAN, "farm (operating) income", _OWN),
        ("inc_wage", np.float32, 0.0, _YUAN, "wages of the main worker", _OWN),
        ("inc_property", np.float32, 0.0, _YUAN, "property income, dividends and private transfers", _OWN),
        ("inc_pension", np.float32, 0.0, _YUAN, "basic pension of members 65+", _OWN),
        # Written whole by the 低保 lever each year, which reads last year's benefit for the 渐退 grace period.
        ("inc_dibao", np.float32, 0.0, _YUAN, "低保 and 特困 support", {**_TRANSFER, "yearly": False}),
        ("inc_guarantee", np.float32, 0.0, _YUAN, "兜底 top-up, disability subsidies, follow-up support", _TRANSFER),
        ("med_gross", np.float32, 0.0, _YUAN, "medical spending before insurance", _MONEY),
        ("med_oop", np.float32, 0.0, _YUAN, "out-of-pocket medical spending after insurance", _MONEY),
    ),
    *_columns(
        "assistance",
        ("dibao", np.bool_, False, "flag", "receives 低保 this year"),
        ("tekun", np.bool_, False, "flag", "receives 特困 support this year"),
        ("dibao_grace", np.uint8, 0, "years", "grace years of 低保 left (渐退期)"),
        ("guaranteed", np.bool_, False, "flag", "covered by the deadline guarantee (兜底) for good"),
    ),
    *_columns(
        "shocks",
        ("farm_loss", np.float32, 0.0, "share", "share of farm income an area disaster destroys this year"),
        ("shock_medical", np.float32, 0.0, _YUAN, "medical spending from disaster injuries this year", _MONEY),
        (
            "labour_demand",
            np.float32,
            1.0,
            "multiple",
            "multiplier on market job finding this year (below 1 in a labour-market shock year)",
        ),
    ),
    *_columns(
        "status",
        ("true_poor", np.bool_, False, "flag", "income below the line or a guarantee failed", {"panel": True}),
        (
            "income_pc",
            np.float32,
            0.0,
            "yuan/person/yr",
            "per-capita income this year, transfers included",
            {"panel": True},
        ),
        ("income_pc_prev", np.float32, 0.0, "yuan/person/yr", "last year's per-capita income"),
        (
            "own_income_pc",
            np.float32,
            0.0,
            "yuan/person/yr",
            "per-capita income without guarantee transfers at the last assessment (last year's until this year's)",
        ),
    ),
    *_columns(
        "registration",
        (
            "reg",
            np.uint8,
            Registration.NEVER,
            "code",
            "registration status (建档立卡)",
            {"codes": Registration, "panel": True},
        ),
        ("reg_size", PERSONS, 0, "persons", "persons recorded at registration"),
        ("poor_wait", np.uint8, 0, "years", "consecutive years truly poor while unregistered"),
        ("above_line_years", np.uint8, 0, "years", "consecutive assessments not truly poor (stable exit test)"),
        ("exit_year", np.int16, 0, "year", "year of the household's last exit from the register; 0 = never exited"),
        ("exit_route", np.uint8, ExitRoute.NONE, "code", "route of the household's last exit", {"codes": ExitRoute}),
        (
            "fallback_year",
            np.int16,
            0,
            "year",
            "first year truly poor again since the last exit (true fallback); 0 = not since then",
            {"panel": True},
        ),
    ),
    *_columns(
        "monitoring",
        ("monitored", np.bool_, False, "flag", "monitored for return to poverty (防止返贫监测)", {"panel": True}),
        ("risk_wait", np.uint8, 0, "years", "consecutive years at risk while not monitored"),
        ("monitor_clear", np.uint8, 0, "years", "consecutive years above the monitoring line while monitored"),
        (
            "monitor_category",
            np.uint8,
            MonitorCategory.NONE,
            "code",
            "why the household is monitored (seed 002's three groups)",
            {"codes": MonitorCategory},
        ),
        ("ever_monitored", np.bool_, False, "flag", "has been monitored at some time"),
    ),
)

COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
#: The income composition, declared once on the columns: income without guarantee transfers, and
#: the guarantee transfers (低保, 特困, 兜底 top-ups, follow-up support).  :func:`own_income` and
#: :func:`total_income` sum them (a test holds the two kernels to these lists).
OWN_INCOME: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.income == "own")
TRANSFERS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.income == "transfer")
#: Columns that hold this year's flow: zero at the start of each year (:meth:`Households.new_year`).
YEARLY: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.yearly)
if len(COLUMN_BY_NAME) != len(COLUMNS):
    raise ImportError("sim.state.COLUMNS declares a column twice")


def _group_types() -> dict[str, type]:
    """One named tuple type per column group, importable as ``sim.state.<Group>``."""
    types_ = {}
    for group in dict.fromkeys(c.group for c in COLUMNS):
        type_name = group.title().replace("_", "") + "Columns"
        fields = [c.name for c in COLUMNS if c.group == group]
        tuple_type = collections.namedtuple(type_name, fields, module=__name__)
        tuple_type.__doc__ = f"The {group} columns, as the kernels take them: {', '.join(fields)}."
        globals()[type_name] = tuple_type  # numba's cache pickles the type by its qualified name
        types_[group] = tuple_type
    return types_


#: Group name -> named tuple type of that group's arrays (the kernels' view of the state).
GROUPS: dict[str, type] = _group_types()


class Households:
    """Columns of household state; all arrays share length ``n``.  The columns are :data:`COLUMNS`.

    Each group of columns is also available as a named tuple (``h.money``, ``h.members``, ...),
    which is how compiled kernels take state.
    """

    __slots__ = tuple(c.name for c in COLUMNS)

    def __init__(self, **arrays: np.ndarray) -> None:
        """Hold ``arrays``: exactly one array per declared column."""
        missing = [c.name for c in COLUMNS if c.name not in arrays]
        extra = sorted(set(arrays) - set(COLUMN_BY_NAME))
        if missing or extra:
            raise TypeError(f"Households needs exactly the declared columns; missing {missing}, unknown {extra}")
        for name, array in arrays.items():
            object.__setattr__(self, name, array)

    @classmethod
    def empty(cls, n: int, **columns: Any) -> Households:
        """``n`` households with each column at its declared default unless given.

        A given array of the column's dtype and length is used as it is (not copied); other
        values are converted, and scalars broadcast.
        """
        arrays = {}
        for c in COLUMNS:
            value = columns.pop(c.name, c.default)
            if isinstance(value, np.ndarray) and value.dtype == c.dtype and value.shape == (n,):
                arrays[c.name] = value
            elif np.ndim(value) == 0:
                # Zero defaults come from calloc: pages are zeroed lazily, which matters at 13.7M rows.
                arrays[c.name] = np.zeros(n, c.dtype) if value == 0 else np.full(n, value, c.dtype)
            else:
                arrays[c.name] = np.broadcast_to(np.asarray(value, dtype=c.dtype), (n,)).copy()
        if columns:
            raise TypeError(f"unknown household columns: {sorted(columns)}")
        return cls(**arrays)

    @property
    def n(self) -> int:
        """Number of simulated households."""
        return len(self.weight)

    def arrays(self) -> dict[str, np.ndarray]:
        """Every column by name, in declared order."""
        return {c.name: getattr(self, c.name) for c in COLUMNS}

    def replace(self, **updates: np.ndarray) -> Households:
        """A new container with some columns replaced (names checked; arrays unchecked: see :meth:`fold`).

        The other columns are carried over slot by slot rather than through the constructor,
        which checks every column: a year folds some thirty effects.
        """
        unknown = sorted(set(updates) - COLUMN_BY_NAME.keys())
        if unknown:
            raise TypeError(f"unknown household columns: {unknown}")
        new = object.__new__(Households)
        for name in self.__slots__:
            object.__setattr__(new, name, updates[name] if name in updates else getattr(self, name))
        return new

    def fold(self, updates: dict[str, np.ndarray], source: str = "a step") -> Households:
        """Apply a step's updates after checking each one's name, dtype and shape."""
        n = self.n
        for name, array in updates.items():
            column = COLUMN_BY_NAME.get(name)
            if column is None:
                raise TypeError(f"{source} updated an unknown household column {name!r}")
            if not isinstance(array, np.ndarray) or array.dtype != column.dtype or array.shape != (n,):
                got = f"{getattr(array, 'dtype', type(array).__name__)} {getattr(array, 'shape', '')}"
                raise TypeError(f"{source} wrote {name} as {got}; the column is {np.dtype(column.dtype)} ({n},)")
        return self.replace(**updates) if updates else self

    def new_year(self) -> Households:
        """The state a year starts from: last year's income kept as ``income_pc_prev``, yearly flows at zero.

        Every step that pays into a yearly column (:data:`YEARLY`) adds to it, so a lever that is
        switched off or withdraws pays nothing this year instead of repeating last year's payment.
        """
        n = self.n
        # One array of zeros per type, shared by the yearly columns of that type: steps never
        # write into a column's array (they return new ones), and this spares a fill of each
        zeros: dict[type, np.ndarray] = {}
        for name in YEARLY:
            dtype = COLUMN_BY_NAME[name].dtype
            if dtype not in zeros:
                zeros[dtype] = np.zeros(n, dtype)
        flows = {name: zeros[COLUMN_BY_NAME[name].dtype] for name in YEARLY}
        return self.replace(income_pc_prev=self.income_pc, **flows)

    def copy(self) -> Households:
        """Deep copy of every array."""
        return Households(**{name: array.copy() for name, array in self.arrays().items()})

    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return sum(array.nbytes for array in self.arrays().values())


def _group_property(group: str, tuple_type: type) -> property:
    fields = tuple_type._fields

    def get(self: Households) -> tuple:
        return tuple_type(*(getattr(self, name) for name in fields))

    get.__doc__ = f"The {group} columns as a :class:`{tuple_type.__name__}` named tuple."
    return property(get)


for _group, _type in GROUPS.items():
    setattr(Households, _group, _group_property(_group, _type))


@inline
def own_income(money, i):
    """Income household ``i`` has without guarantee transfers: the :data:`OWN_INCOME` columns (yuan)."""
    return np.float64(money.inc_farm[i]) + money.inc_wage[i] + money.inc_property[i] + money.inc_pension[i]


@inline
def total_income(money, i):
    """Income of household ``i`` with every transfer: :func:`own_income` plus the :data:`TRANSFERS` (yuan)."""
    return own_income(money, i) + money.inc_dibao[i] + money.inc_guarantee[i]


@inline
def cannot_migrate(n_full, n_partial, illness, disability, n_child, n_adult):
    """Whether a household's labour is tied to home: nobody can leave for migrant work.

    Seed 000 and seed 002 give near-home work (扶贫车间, 公益岗位) to those who cannot go out:
    the partly able (no member with full labour capacity, only partial), and carers (the one
    full labourer looks after an index member with a major illness or severe disability, or
    children without a second working-age adult).  Takes one household's values (scalars), so
    a kernel's loop calls it without passing whole column groups.
    """
    # Chosen by selection rather than branches, so the loops that call it vectorise
    needs_care = (illness == Illness.MAJOR) | (disability == Disability.SEVERE)
    carer = needs_care | ((n_child > 0) & (n_adult == 1))
    return (n_partial > 0) if n_full == 0 else ((n_full == 1) & carer)


@inline
def guarantee_failed(housing_safe, med_oop, income, size, catastrophic_share, line):
    """Whether a household's basic guarantees fail: unsafe housing, or impoverishing medical costs.

    Medical care counts as not guaranteed (因病致贫) when out-of-pocket spending is
    catastrophic (above ``catastrophic_share`` of ``income``) *and* pushes income net of it
    below the ``line`` per person.
    """
    if not housing_safe:
        return True
    catastrophic = med_oop > catastrophic_share * max(income, 1.0)
    return catastrophic and (income - med_oop) / max(size, 1) < line


def check_invariants(h: Households) -> None:
    """Raise AssertionError if the state breaks a declared or structural invariant."""
    n = h.n
    for c in COLUMNS:
        array = getattr(h, c.name)
        if array.shape != (n,) or array.dtype != c.dtype:
            raise AssertionError(f"{c.name} is {array.dtype} {array.shape}, declared {np.dtype(c.dtype)} ({n},)")
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise AssertionError(f"{c.name} must be finite")
        if c.money and (array < 0).any():
            raise AssertionError(f"{c.name} must be non-negative")
    if np.any(h.med_oop > h.med_gross + 1e-3):
        raise AssertionError("out-of-pocket medical spending exceeds gross spending")
    if not np.array_equal(h.size, h.n_child.astype(np.int32) + h.n_adult + h.n_elder):
        raise AssertionError("size differs from the sum of the age-band counts")
    labour = h.n_labour_full.astype(np.int32) + h.n_labour_partial
    if np.any(labour > h.n_adult):
        raise AssertionError("more labourers than working-age members")
    if np.any((h.reg == Registration.POOR) & (h.reg_size == 0)):
        raise AssertionError("a registered household records no persons")
    if np.any(h.dibao & h.tekun):
        raise AssertionError("a household receives both 低保 and 特困 support")


def codebook(columns: tuple[Column, ...] = COLUMNS) -> dict[str, dict[str, Any]]:
    """Type, unit, meaning and enum labels of each column (for panel exports)."""
    book = {}
    for c in columns:
        entry: dict[str, Any] = {"dtype": np.dtype(c.dtype).name, "unit": c.unit, "meaning": c.meaning}
        if c.codes is not None:
            entry["codes"] = {int(m): m.name.lower() for m in c.codes}
        book[c.name] = entry
    return book


PANEL_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.panel)


def column_table() -> str:
    """The markdown table of columns in ``docs/DESIGN.md`` (a test keeps the two equal)."""
    lines = ["| group | column | dtype | unit | meaning |", "|---|---|---|---|---|"]
    for c in COLUMNS:
        codes = f" ({', '.join(m.name.lower() for m in c.codes)})" if c.codes is not None else ""
        lines.append(f"| {c.group} | `{c.name}` | {np.dtype(c.dtype).name} | {c.unit} | {c.meaning}{codes} |")
    return "\n".join(lines)

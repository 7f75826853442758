"""Household state as a struct of numpy arrays, with enums and invariant checks.

Every household is one row index across all arrays; there is no Python object per
household (a per-object layout measured ~90x slower, see shared ARCHITECTURE notes).
Money is yuan per household per year unless a name says otherwise.  The health state
belongs to the household's *index member*: the member whose illness or disability the
registration record (建档立卡) names as the cause of poverty.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np


class Stratum(enum.IntEnum):
    """Population stratum at synthesis (kept for reporting; never changes)."""

    REGISTERED = 0  # registered poor (建档立卡) at the end of the year before the start
    NEAR_POOR = 1  # edge households at risk (边缘易致贫户)
    NON_POOR = 2  # the rest of the rural population


class Band(enum.IntEnum):
    """Age band of a member."""

    CHILD = 0  # 0-15
    ADULT = 1  # 16-64, working age
    ELDER = 2  # 65 and over


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
    PUBLIC_POST = 4  # public-welfare post (公益岗位)
    WORKSHOP = 5  # poverty workshop job (扶贫车间)


class Registration(enum.IntEnum):
    """Administrative status in the registration system (建档立卡)."""

    NEVER = 0
    POOR = 1  # registered and not exited
    EXITED = 2  # exited (脱贫); may return (返贫)


#: Jobs whose worker earns a market wage (lookup table indexed by Job).
MARKET_WAGE_JOB = np.zeros(len(Job), dtype=bool)
MARKET_WAGE_JOB[[Job.LOCAL_WAGE, Job.MIGRANT]] = True
#: Jobs of a worker open to market job finding.
SEEKING_JOB = np.zeros(len(Job), dtype=bool)
SEEKING_JOB[[Job.NONE, Job.FARMING]] = True


@dataclasses.dataclass
class Households:
    """Columns of household state; all arrays share length ``n``."""

    stratum: np.ndarray  # uint8 Stratum
    weight: np.ndarray  # float64, real households represented by this row
    county: np.ndarray  # int32
    village: np.ndarray  # int32
    deep_village: np.ndarray  # bool, lives in a deep-poverty village (深度贫困村)
    n_child: np.ndarray  # uint8
    n_adult: np.ndarray  # uint8
    n_elder: np.ndarray  # uint8
    size: np.ndarray  # int32, members; always n_child + n_adult + n_elder (set with them)
    index_band: np.ndarray  # uint8 Band of the index member
    illness: np.ndarray  # uint8 Illness
    disability: np.ndarray  # uint8 Disability
    n_labour_full: np.ndarray  # uint8, derived yearly
    n_labour_partial: np.ndarray  # uint8, derived yearly
    job: np.ndarray  # uint8 Job of the main worker
    skill: np.ndarray  # float32 earnings multiplier, fixed per household
    trained_until: np.ndarray  # int16, last year a training effect lasts (0 = never)
    relocated_year: np.ndarray  # int16, year of relocation (0 = not relocated)
    housing_safe: np.ndarray  # bool
    inc_farm: np.ndarray  # float32 yuan/household/yr
    inc_wage: np.ndarray
    inc_property: np.ndarray
    inc_pension: np.ndarray
    inc_dibao: np.ndarray  # 低保 and 特困 support
    inc_guarantee: np.ndarray  # other guarantee transfers (兜底 top-up, disability subsidies)
    med_gross: np.ndarray  # medical spending before insurance
    med_oop: np.ndarray  # out-of-pocket medical spending after insurance
    dibao: np.ndarray  # bool, receives 低保 this year
    tekun: np.ndarray  # bool, receives 特困 support this year
    dibao_grace: np.ndarray  # uint8, grace years left (渐退期)
    true_poor: np.ndarray  # bool, income below the line or a guarantee failed
    income_pc: np.ndarray  # float32, per-capita income this year
    income_pc_prev: np.ndarray  # float32, last year's per-capita income
    reg: np.ndarray  # uint8 Registration
    reg_size: np.ndarray  # uint8, persons recorded at registration
    poor_wait: np.ndarray  # uint8, consecutive years truly poor while unregistered
    monitored: np.ndarray  # bool, monitored for return to poverty (防止返贫监测)
    risk_wait: np.ndarray  # uint8, consecutive years at risk while not monitored
    monitor_clear: np.ndarray  # uint8, consecutive years above the monitoring line

    @property
    def n(self) -> int:
        """Number of simulated households."""
        return len(self.weight)

    def own_income_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(farm, wage, property, pension) income: what the household has without guarantee transfers."""
        return self.inc_farm, self.inc_wage, self.inc_property, self.inc_pension

    def copy(self) -> Households:
        """Deep copy of every array."""
        return Households(**{f.name: getattr(self, f.name).copy() for f in dataclasses.fields(self)})

    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return sum(getattr(self, f.name).nbytes for f in dataclasses.fields(self))


def check_invariants(h: Households) -> None:
    """Raise AssertionError if the state breaks a structural invariant."""
    n = h.n
    for f in dataclasses.fields(h):
        arr = getattr(h, f.name)
        if arr.shape != (n,):
            raise AssertionError(f"{f.name} has shape {arr.shape}, expected ({n},)")
    for name in (
        "inc_farm",
        "inc_wage",
        "inc_property",
        "inc_pension",
        "inc_dibao",
        "inc_guarantee",
        "med_gross",
        "med_oop",
    ):
        arr = getattr(h, name)
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise AssertionError(f"{name} must be finite and non-negative")
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

"""Policy levers: one module each, applied in one declared order within the year.

Each lever module defines ``Params`` (with ``enabled``; ``enabled: false`` is the exact no-op
``none`` option) and ``apply(h, params, ctx) -> Effect``.  :data:`LEVERS` fixes the order and
the phase of the year in which each lever acts (see ``docs/DESIGN.md``).  The transition
regime is not applied to households: it sets each lever's yearly intensity.
"""

from __future__ import annotations

import dataclasses
from types import ModuleType

from sim.policies import (
    dibao,
    guarantee,
    health_insurance,
    housing,
    industry,
    monitoring,
    pension,
    public_posts,
    relocation,
    training,
    transfer_employment,
    transition,
    workshops,
)


@dataclasses.dataclass
class PolicyConfig:
    """The policy mix: one parameter block per lever."""

    training: training.Params
    relocation: relocation.Params
    housing: housing.Params
    public_posts: public_posts.Params
    workshops: workshops.Params
    industry: industry.Params
    transfer_employment: transfer_employment.Params
    health_insurance: health_insurance.Params
    pension: pension.Params
    dibao: dibao.Params
    guarantee: guarantee.Params
    monitoring: monitoring.Params
    transition: transition.Params


PLACEMENT, INCOME, HEALTH, TRANSFERS, REGISTRATION = "placement", "income", "health", "transfers", "registration"

#: (name, module, phase) in the order levers act within a year.
LEVERS: tuple[tuple[str, ModuleType, str], ...] = (
    ("training", training, PLACEMENT),
    ("relocation", relocation, PLACEMENT),
    ("housing", housing, PLACEMENT),
    ("public_posts", public_posts, PLACEMENT),
    ("workshops", workshops, PLACEMENT),
    ("transfer_employment", transfer_employment, PLACEMENT),
    ("industry", industry, INCOME),
    ("health_insurance", health_insurance, HEALTH),
    ("pension", pension, TRANSFERS),
    ("dibao", dibao, TRANSFERS),
    ("guarantee", guarantee, TRANSFERS),
    ("monitoring", monitoring, REGISTRATION),
)

LEVER_NAMES: tuple[str, ...] = tuple(name for name, _, _ in LEVERS)


def levers_in(phase: str) -> tuple[tuple[str, ModuleType], ...]:
    """Levers acting in ``phase``, in declared order."""
    return tuple((name, module) for name, module, p in LEVERS if p == phase)

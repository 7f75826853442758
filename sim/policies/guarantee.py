"""Guarantee transfers (兜底) for households without labour capacity, and disability subsidies.

Sources: seed 000 "兜底保障" for those who cannot escape poverty through industry or jobs,
and "困难残疾人生活补贴和重度残疾人护理补贴" fully implemented for the poor disabled; seed 002
keeps 兜底 policies stable in the transition.  The comprehensive guarantee tops up the income
of target households without a full labourer to a multiple of the poverty line; the subsidy
amounts are not in the seeds (see ``conf/policy/guarantee/default.yaml``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.jit import kernel
from sim.policies.base import Effect, YearContext, served
from sim.schema import kernel_scalars, spec, yuan
from sim.state import Disability, Households, total_income
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "guarantee"


@dataclasses.dataclass
class Params:
    """兜底 lever parameters."""

    enabled: bool
    top_up_ratio_to_line: float = spec(
        0.0, 10.0, "x poverty line", Text("top-up target per person; 0 = no top-up", "每人补足目标；0 表示不补足")
    )
    disability_living_subsidy_per_month: float = yuan(
        Text("困难残疾人生活补贴", "困难残疾人生活补贴"), high=1e5, unit="yuan/person/month"
    )
    severe_care_subsidy_per_month: float = yuan(
        Text("重度残疾人护理补贴", "重度残疾人护理补贴"), high=1e5, unit="yuan/person/month"
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Pay disability subsidies and top up incomes of target households without labour."""
    if not params.enabled:
        return Effect()
    total, cost = _guarantee(
        served(h, ctx, NAME),
        h.identity,
        h.members,
        h.health,
        h.labour,
        h.money,
        kernel_scalars(params),
        ctx.poverty_line,
    )
    return Effect({"inc_guarantee": total}, cost)


@kernel
def _guarantee(among, identity, members, health, labour, money, p, poverty_line):
    """Guarantee income with this year's subsidies and top-up added (float32), and their cost in yuan.

    Only the target households ``among`` (ascending indices) are paid.
    """
    total = money.inc_guarantee.copy()
    cost = 0.0
    living, care = p.disability_living_subsidy_per_month * 12.0, p.severe_care_subsidy_per_month * 12.0
    target_pc = p.top_up_ratio_to_line * poverty_line
    for i in among:
        subsidy = 0.0
        if health.disability[i] != Disability.NONE:
            subsidy += living
        if health.disability[i] == Disability.SEVERE:
            subsidy += care
        top_up = 0.0
        if labour.n_labour_full[i] == 0:
            income = total_income(money, i) + subsidy
            top_up = max(target_pc * max(members.size[i], 1) - income, 0.0)
        total[i] = np.float32(money.inc_guarantee[i] + subsidy + top_up)
        cost += identity.weight[i] * (np.float64(total[i]) - money.inc_guarantee[i])
    return total, cost


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.TRANSFERS,
        after=("dibao",),
        dose=("top_up_ratio_to_line",),
        title=Text("Guarantee top-up", "兜底保障"),
    )
)

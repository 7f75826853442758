"""Industry support (产业扶贫): production support, asset-income dividends, microcredit.

Sources: seed 000 "到2020年…每个贫困户有1—2项稳定增收渠道", "资产收益扶贫" favouring households
poor through disability, and microcredit "有信贷需求且符合信贷条件的贫困户应贷尽贷"; seed 002
keeps industry support for exited households.  Each year a share ``coverage`` of target
households is supported: those with labour raise their farm (operating) income by
``farm_income_multiplier``; those without labour receive an asset-income dividend.  Coverage
is drawn with the lever's own key, so it is the same households under every policy mix.
"""

from __future__ import annotations

import dataclasses

from sim.jit import kernel
from sim.policies.base import Effect, YearContext, keyed_share
from sim.schema import share, spec, yuan
from sim.state import Households
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "industry"


@dataclasses.dataclass
class Params:
    """Industry-support lever parameters."""

    enabled: bool
    coverage: float = share(Text("share of target households supported in a year", "每年获得扶持的目标户比例"))
    farm_income_multiplier: float = spec(
        1.0,
        10.0,
        "multiple",
        Text("operating income of supported households with labour", "有劳动力的受扶持家庭的经营收入"),
    )
    dividend_per_household: float = yuan(
        Text("asset-income dividend for households without labour", "无劳动力家庭的资产收益分红"),
        unit="yuan/household/yr",
    )
    cost_per_household: float = yuan(
        Text("programme spending per supported household", "每个受扶持家庭的项目支出"), unit="yuan/household/yr"
    )


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Raise operating income or pay dividends for this year's supported households."""
    if not params.enabled:
        return Effect()
    supported = keyed_share(h, ctx, NAME, params.coverage)
    farm, prop, households = _support(
        supported, h.identity, h.labour, h.money, params.farm_income_multiplier, params.dividend_per_household
    )
    return Effect({"inc_farm": farm, "inc_property": prop}, households * params.cost_per_household)


@kernel
def _support(supported, identity, labour, money, multiplier, dividend):
    """New farm and property income, and the real households supported (``supported``: ascending indices)."""
    farm, prop = money.inc_farm, money.inc_property
    new_farm, new_prop = farm.copy(), prop.copy()
    households = 0.0
    for i in supported:
        households += identity.weight[i]
        if labour.n_labour_full[i] + labour.n_labour_partial[i] > 0:
            new_farm[i] = farm[i] * multiplier
        else:
            new_prop[i] = prop[i] + dividend
    return new_farm, new_prop, households


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.INCOME,
        withdrawable=True,
        dose=("coverage",),
        title=Text("Industry support", "产业扶贫"),
    )
)

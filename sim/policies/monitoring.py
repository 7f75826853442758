"""Return-to-poverty monitoring (防止返贫动态监测) of at-risk households.

Source: seed 002 monitors "脱贫不稳定户、边缘易致贫户" and households in hardship from "大额刚性
支出" or sharp income falls, with income and expenditure among the monitored variables, and
asks to "合理确定防贫监测标准" (no number); seed 000 "对已脱贫人口加强跟踪监测管理".  From
``start_year`` a household is flagged when its per-capita income is below ``threshold_ratio``
times the poverty line, when out-of-pocket medical spending exceeds ``large_expense_share`` of
its income, or when its income falls by more than ``income_drop_share``, these two only
when income net of out-of-pocket medical spending is below ``hardship_ratio`` times the line
(seed 002: "导致基本生活出现严重困难"), or when it is truly poor; discovery has
probability ``p_detect`` a year once a household has been at risk for more than
``lag_years``.  A household that has stayed out of risk for ``years_to_clear`` years is
cleared at the next periodic review, which reaches it with probability ``p_review`` a year
(seed 002 "定期核查和动态调整"): the risk is eliminated (风险消除), counted as
``monitoring_eliminated``.  Registered-poor households are served
by the registration system instead.  Seed 002 names 低保对象 and 特困人员 beside 防贫监测对象 as
separate groups of the low-income population ("确保特困人员、低保对象、防贫监测对象等农村低收入
人口应保尽保"), so unless ``flag_assisted`` is set, a household whose living is already secured by
低保, 特困 or the guarantee (兜底) is not flagged by the income test alone; a large expense,
an income fall or true poverty still flags it.  Monitored households get priority for posts, the poverty
health tiers and faster detection.

A flagged household is put in one of seed 002's three groups ("将脱贫不稳定户、边缘易致贫户,以及…
刚性支出较大或收入大幅缩减导致基本生活出现严重困难户,作为易返贫致贫人口"): an exited household is
unstable (脱贫不稳定户); another one flagged for a large expense or income fall is in sudden
hardship (突发严重困难户); the rest, below the monitoring line or truly poor, are edge households
(边缘易致贫户).  A household keeps its group while monitored.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.jit import kernel
from sim.policies.base import Effect, YearContext
from sim.rng import uniform32_at
from sim.schema import kernel_scalars, share, spec, year, yuan
from sim.state import N_STRATA, Households, MonitorCategory, Registration, rows_where
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "monitoring"


@dataclasses.dataclass
class Params:
    """Monitoring lever parameters."""

    enabled: bool
    start_year: int = year(Text("first year households are monitored", "开始监测的年份"))
    threshold_ratio: float = spec(
        0.0, 10.0, "x poverty line", Text("monitoring line as a multiple of the poverty line", "监测线为贫困标准的倍数")
    )
    large_expense_share: float = spec(
        0.0,
        10.0,
        "share of income",
        Text("out-of-pocket medical / income that flags", "触发预警的医疗自付费用 / 收入之比"),
    )
    income_drop_share: float = share(
        Text("yearly fall in per-capita income that flags a household", "触发预警的人均收入年降幅")
    )
    hardship_ratio: float = spec(
        0.0,
        20.0,
        "x poverty line",
        Text(
            "expense and drop flags count only when income net of medical costs is below this line",
            "仅当扣除医疗费用后的收入低于此线时，支出和收入骤减预警才计入",
        ),
    )
    flag_assisted: bool = spec(
        doc=Text(
            "the income test also flags households secured by 低保, 特困 or 兜底",
            "收入检测也标记由低保、特困或兜底保障的家庭",
        )
    )
    p_detect: float = share(Text("an at-risk household is discovered in a year", "有风险的家庭一年内被发现的概率"))
    lag_years: int = spec(
        0,
        10,
        "years",
        Text("years a household must be at risk before it can be discovered", "家庭须持续有风险多少年才可能被发现"),
    )
    years_to_clear: int = spec(
        0, 10, "years", Text("years out of risk before the flag can be removed", "消除风险标识前须无风险的年数")
    )
    p_review: float = share(
        Text(
            "a household out of risk long enough is reviewed and cleared in a year",
            "无风险足够久的家庭一年内经复核消除风险的概率",
        )
    )
    cost_per_household: float = yuan(
        Text("administration and visits per monitored household", "每个监测户的管理和走访费用"),
        unit="yuan/household/yr",
    )


def publish(params: Params, year: int) -> dict[str, float]:
    """Monitored households' poverty is found with the monitoring detection probability."""
    on = params.enabled and year >= params.start_year
    return {"p_detect_monitored": params.p_detect if on else 0.0}


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Flag newly at-risk households and clear recovered ones (after the poverty assessment)."""
    if not params.enabled or ctx.year < params.start_year:
        return Effect()
    monitored, clear, wait, category, ever, eliminated, households = _monitor(
        h.identity, h.members, h.registration, h.status, h.monitoring, h.assistance, h.money,
        ctx.u_monitor, kernel_scalars(params), ctx.poverty_line,
    )  # fmt: skip
    cost = households * params.cost_per_household
    updates = {
        "monitored": monitored,
        "monitor_clear": clear,
        "risk_wait": wait,
        "monitor_category": category,
        "ever_monitored": ever,
    }
    return Effect(updates, cost, counts={"monitoring_eliminated": eliminated})


@kernel
def _monitor(identity, members, registration, status, monitoring, assistance, money, u, p, poverty_line):
    """New flags, counters and categories; persons whose risk was eliminated (by stratum); households monitored."""
    size = members.size
    n = size.size
    new, clear, wait = np.zeros(n, np.bool_), np.zeros(n, np.uint8), np.zeros(n, np.uint8)
    category, ever = np.zeros(n, np.uint8), monitoring.ever_monitored.copy()
    eliminated = np.zeros(N_STRATA)
    households = 0.0
    line, kept_share = p.threshold_ratio * poverty_line, 1.0 - p.income_drop_share
    hardship_line = p.hardship_ratio * poverty_line
    # First, every household's risk tests in a loop with no branch (which the compiler
    # vectorises); & and | rather than and/or keep short-circuit branches out of it.  Only
    # households at risk or monitored go on to the second loop.
    tested = np.empty(n, np.uint8)  # bit 0: attended, 1: at risk, 2: shock (one byte a household)
    for i in range(n):
        pc, previous = np.float64(status.income_pc[i]), status.income_pc_prev[i]
        expense = money.med_oop[i] > p.large_expense_share * pc * size[i]
        dropped = (previous > 0) & (pc < kept_share * previous)
        secured = assistance.dibao[i] | assistance.tekun[i] | assistance.guaranteed[i]
        low = (pc < line) & (p.flag_assisted | (not secured))
        shock = (expense | dropped) & (pc - money.med_oop[i] / max(size[i], 1) < hardship_line)
        at_risk = (low | shock | status.true_poor[i]) & (registration.reg[i] != Registration.POOR)
        attended = (size[i] != 0) & (at_risk | monitoring.monitored[i])
        tested[i] = np.uint8(attended) * (1 + 2 * np.uint8(at_risk) + 4 * np.uint8(shock))
    for i in rows_where(tested):
        at_risk, shock = (tested[i] & 2) != 0, (tested[i] & 4) != 0
        if monitoring.monitored[i]:
            count = 0 if at_risk else monitoring.monitor_clear[i] + 1
            # The discovery draw is free here: a monitored household is not being discovered.
            if at_risk or count < p.years_to_clear or uniform32_at(u, i) >= p.p_review:
                new[i], clear[i], category[i] = True, min(count, 255), monitoring.monitor_category[i]
            else:  # 风险消除: out of risk for years_to_clear years and reviewed
                eliminated[identity.stratum[i]] += size[i]
        elif at_risk:
            waiting = monitoring.risk_wait[i] + 1
            if waiting > p.lag_years and uniform32_at(u, i) < p.p_detect:
                new[i], ever[i] = True, True
                if registration.reg[i] == Registration.EXITED:
                    category[i] = MonitorCategory.UNSTABLE
                elif shock:
                    category[i] = MonitorCategory.HARDSHIP
                else:
                    category[i] = MonitorCategory.EDGE
            else:
                wait[i] = min(waiting, 255)
        if new[i]:
            households += identity.weight[i]
    return new, clear, wait, category, ever, eliminated, households


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.REGISTRATION,
        publish=publish,
        publishes=("p_detect_monitored",),
        dose=("p_detect",),
        counts=("monitoring_eliminated",),
        title=Text("Return-to-poverty monitoring", "防止返贫监测"),
    )
)

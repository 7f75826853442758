"""Minimum living allowance (低保) with 单人保, grace period (渐退期) and 特困 support.

Sources: seed 000 "确保每年农村低保标准高于脱贫线" (standard above the exit line) and 低保 for
those "完全丧失劳动能力和部分丧失劳动能力且无法依靠产业就业帮扶脱贫"; seed 002 "继续落实'低保
渐退期'政策", "刚性支出扣除", "就业成本扣除" and 单人保 for severely disabled and seriously ill
members of low-income families.  Amounts and durations the seeds omit are parameters whose
defaults in ``conf/policy/dibao/default.yaml`` say where they come from.

The means test compares assessed per-capita income (market income and pension, less medical
spending if rigid expenditure is deducted, less the work-cost disregard) with the standard;
the benefit fills the gap (补差).  One uniform per household per year decides take-up and
targeting errors, so the same household is excluded under every scenario with the same rates.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np

from sim.jit import kernel
from sim.policies.base import Effect, YearContext
from sim.rng import uniform32_at
from sim.schema import kernel_scalars, share, spec
from sim.state import Band, Disability, Households, Illness, Registration
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "dibao"


class StandardMode(enum.Enum):
    """How the 低保 standard is set."""

    ABSOLUTE = "absolute"  # the region's published schedule
    RELATIVE = "relative"  # a multiple of the poverty line


class SinglePersonScope(enum.Enum):
    """Who may enrol a severely ill or disabled member alone (单人保); kernels see the position."""

    NONE = "none"
    REGISTERED = "registered"  # low-income registered-poor and exited households (poverty-era rule)
    LOW_INCOME = "low_income"  # any low-income household (seed 002 extension)


_ratio = "x standard"


@dataclasses.dataclass
class Params:
    """低保 lever parameters."""

    enabled: bool
    standard_mode: StandardMode = spec(
        doc=Text(
            "absolute: the published 低保 standard; relative: a multiple of the poverty line",
            "absolute：采用公布的低保标准；relative：按贫困线的倍数",
        )
    )
    standard_ratio_to_line: float = spec(
        0.0, 10.0, "x poverty line", Text("the standard in relative mode", "相对模式下的标准")
    )
    require_no_full_labour: bool = spec(
        doc=Text("兜底 is for households without full labour capacity", "兜底面向无全劳动能力的家庭")
    )
    deduct_medical: bool = spec(
        doc=Text(
            "rigid-expenditure deduction (刚性支出扣除) of out-of-pocket medical costs", "医疗自付费用的刚性支出扣除"
        )
    )
    work_cost_disregard: float = share(
        Text("share of wages not counted (就业成本扣除)", "工资中不计入收入的比例（就业成本扣除）")
    )
    take_up: float = share(Text("eligible households that apply and are enrolled", "符合条件的家庭申请并纳入的比例"))
    p_exclusion_error: float = share(Text("eligible households wrongly refused", "符合条件的家庭被错误拒绝的比例"))
    p_inclusion_error: float = share(
        Text("ineligible households near the standard wrongly enrolled", "接近标准的不符合条件家庭被错误纳入的比例")
    )
    inclusion_band: float = spec(
        0.0,
        10.0,
        _ratio,
        Text("inclusion errors arise below (1 + band) x standard", "纳入错误出现在（1 + 区间）× 标准以下"),
    )
    grace_years: int = spec(
        0,
        10,
        "years",
        Text(
            "渐退期: years benefits continue after income rises above the standard",
            "渐退期：收入超过标准后继续享受待遇的年数",
        ),
    )
    grace_benefit_share: float = share(
        Text("share of the last benefit paid during the grace period", "渐退期内按上次待遇发放的比例")
    )
    single_person_scope: SinglePersonScope = spec(
        doc=Text(
            "who may enrol a severely ill or disabled member alone (单人保)",
            "哪些家庭可将重病或重度残疾成员单独纳入低保（单人保）",
        )
    )
    low_income_ratio: float = spec(
        1.0,
        10.0,
        _ratio,
        Text("low-income household: assessed income below ratio x standard", "低收入家庭：核定收入低于 比例 × 标准"),
    )
    tekun_enabled: bool = spec(
        doc=Text("特困 support for members with no working-age supporter", "特困供养：无劳动年龄赡养人的成员")
    )
    tekun_ratio_to_standard: float = spec(
        0.0, 10.0, _ratio, Text("特困 basic living standard as a multiple of 低保", "特困基本生活标准为低保的倍数")
    )


def standard(params: Params, ctx: YearContext) -> float:
    """The 低保 standard in yuan/person/yr this year."""
    if params.standard_mode is StandardMode.RELATIVE:
        return ctx.poverty_line * params.standard_ratio_to_line
    return ctx.dibao_standard_published


def apply(h: Households, params: Params, ctx: YearContext) -> Effect:
    """Enrol households in 特困, 低保 or 单人保 and pay them this year."""
    if not params.enabled:
        return Effect()
    benefit, on_dibao, tekun, grace_left, cost = _enrol(
        h.identity, h.members, h.health, h.labour, h.registration, h.money, h.assistance,
        ctx.u_target, kernel_scalars(params), standard(params, ctx),
    )  # fmt: skip
    return Effect({"inc_dibao": benefit, "dibao": on_dibao, "tekun": tekun, "dibao_grace": grace_left}, cost)


@kernel
def _enrol(identity, members, health, labour, registration, money, assistance, u, p, std):
    """特困 first, then 低保 by the means test, grace, then 单人保.

    Every household's outcome is chosen by selection, with no branch, so the loop vectorises
    (the tests cost less for all households at once than a branch for each); conditions combine
    with ``&``/``|`` rather than ``and``/``or``.  The cost is summed in household order in a loop
    of its own.
    """
    size = members.size
    n = size.size
    benefit = np.empty(n, np.float32)
    on_dibao, tekun_out = np.empty(n, np.bool_), np.empty(n, np.bool_)
    grace_left = np.empty(n, np.uint8)
    cost = 0.0
    wage_counted = 1.0 - p.work_cost_disregard
    medical_deducted = 1.0 if p.deduct_medical else 0.0
    take_up, p_in, p_inclusion_error = p.take_up, p.take_up * (1.0 - p.p_exclusion_error), p.p_inclusion_error
    require_no_full_labour, grace_years, grace_share = p.require_no_full_labour, p.grace_years, p.grace_benefit_share
    single_scope, tekun_enabled = p.single_person_scope, p.tekun_enabled
    tekun_line, near_line = p.tekun_ratio_to_standard * std, std * (1.0 + p.inclusion_band)
    low_line = p.low_income_ratio * std
    # Above every line a household can be enrolled under, only a running grace period pays
    above_every_line = max(std, near_line, tekun_line, low_line)
    for i in range(n):
        members_i = size[i]
        income = (
            np.float64(money.inc_farm[i]) + money.inc_property[i] + money.inc_pension[i]
            + money.inc_wage[i] * wage_counted - medical_deducted * money.med_oop[i]
        )  # fmt: skip
        assessed = max(income, 0.0) / max(members_i, 1)
        in_grace = assistance.dibao[i] & (assistance.dibao_grace[i] > 0)
        may_pay = (members_i != 0) & ((not assessed >= above_every_line) | in_grace)
        x, adults, n_full = uniform32_at(u, i), members.n_adult[i], labour.n_labour_full[i]
        no_supporter = (adults == 0) | (
            (n_full + labour.n_labour_partial[i] == 0) & (adults == 1) & (health.index_band[i] == Band.ADULT)
        )
        dependent = (members.n_elder[i] > 0) | (health.disability[i] == Disability.SEVERE)
        tekun = tekun_enabled & no_supporter & dependent & (assessed < tekun_line) & (x < take_up)
        eligible = (not tekun) & (assessed < std) & (not (require_no_full_labour & (n_full > 0)))
        near = (not eligible) & (not tekun) & (assessed < near_line)
        enrolled = (eligible & (x < p_in)) | (near & (x < p_inclusion_error))
        grace_before = assistance.dibao_grace[i]
        grace = assistance.dibao[i] & (not enrolled) & (not tekun) & (grace_before > 0)
        severe = (health.illness[i] == Illness.MAJOR) | (health.disability[i] == Disability.SEVERE)
        reg = registration.reg[i]
        registered = (reg == Registration.POOR) | (reg == Registration.EXITED)
        single = (
            (single_scope > 0) & severe & (assessed < low_line) & (members_i > 1) & ((single_scope == 2) | registered)
            & (not (enrolled | grace | tekun)) & (x < p_in)
        )  # fmt: skip
        amount = std if single else 0.0
        amount = np.float64(money.inc_dibao[i]) * grace_share if grace else amount
        amount = max(std - assessed, 0.0) * members_i if enrolled else amount
        amount = max(tekun_line - assessed, 0.0) * members_i if tekun else amount
        paid = np.float32(amount if may_pay else 0.0)
        benefit[i] = paid
        left = grace_before - 1 if grace else 0
        left = grace_years if enrolled & (not tekun) else left
        grace_left[i] = left if may_pay else 0
        tekun_out[i] = (paid > 0) & tekun
        on_dibao[i] = (paid > 0) & (not tekun)
    for i in range(n):  # in household order, as the sum has always run; an unpaid household adds exactly 0
        cost += identity.weight[i] * np.float64(benefit[i])
    return benefit, on_dibao, tekun_out, grace_left, cost


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.TRANSFERS,
        after=("pension",),
        dose=("take_up",),
        title=Text("Minimum allowance", "农村低保"),
    )
)

"""The income composition, declared once on the columns: own income, transfers and yearly flows."""

from __future__ import annotations

import numpy as np
import pytest

from app.compose import load_config
from sim.model import PovertyModel
from sim.policies import guarantee
from sim.state import COLUMN_BY_NAME, OWN_INCOME, TRANSFERS, YEARLY, Registration, own_income, total_income
from tests.helpers import context, households, small_config


def test_the_income_kernels_sum_exactly_the_declared_columns():
    rng = np.random.default_rng(3)
    n = 50
    money = {name: rng.uniform(0, 5000, n).astype(np.float32) for name in (*OWN_INCOME, *TRANSFERS)}
    h = households(n, **money)
    for i in range(n):
        own = sum(np.float64(getattr(h, name)[i]) for name in OWN_INCOME)
        transfers = sum(np.float64(getattr(h, name)[i]) for name in TRANSFERS)
        assert own_income(h.money, i) == pytest.approx(own, rel=1e-12)
        assert total_income(h.money, i) == pytest.approx(own + transfers, rel=1e-12)
    assert set(OWN_INCOME) == {"inc_farm", "inc_wage", "inc_property", "inc_pension"}
    assert set(TRANSFERS) == {"inc_dibao", "inc_guarantee"}
    assert all(COLUMN_BY_NAME[name].money for name in (*OWN_INCOME, *TRANSFERS))


def test_a_new_year_starts_the_yearly_flows_at_zero_and_keeps_last_years_income():
    h = households(3, inc_farm=900.0, inc_guarantee=400.0, inc_dibao=300.0, income_pc=1234.0)
    start = h.new_year()
    for name in YEARLY:
        assert not start.arrays()[name].any(), name
    assert np.all(start.inc_dibao == 300.0)  # the 低保 lever reads last year's benefit for the grace period
    assert np.all(start.income_pc_prev == 1234.0) and np.all(start.inc_guarantee == 0.0)


def test_the_guarantee_adds_to_this_years_guarantee_income():
    config = small_config()
    base = dict(n_adult=0, n_elder=1, n_labour_full=0, reg=Registration.POOR)
    without = guarantee.apply(households(1, **base), config.policy.guarantee, context(1))
    already = guarantee.apply(households(1, **base, inc_guarantee=500.0), config.policy.guarantee, context(1))
    # The top-up fills the gap to the target income whatever was paid before it this year; the cost is the new part.
    assert float(already.updates["inc_guarantee"][0]) == pytest.approx(float(without.updates["inc_guarantee"][0]))
    assert already.cost == pytest.approx(without.cost - 500.0 * float(households(1).weight[0]))


def test_a_lever_switched_off_pays_nothing_rather_than_last_years_amount():
    """Without the 兜底 lever, guarantee income is only this year's deadline-push and follow-up top-ups."""
    model = PovertyModel(load_config(["population.scale=400", "policy/guarantee=none"]))
    model.step()
    first = model.h
    model.step()
    h = model.h
    line = model.config.region.poverty_line.at(model.year)
    own_and_dibao = np.array([own_income(h.money, i) + h.inc_dibao[i] for i in range(h.n)])
    # Neither the deadline push (covered households only) nor follow-up (below the line only) reaches
    # a household that is not covered and clears the line on its own and its 低保.
    unreached = (own_and_dibao >= line * 1.2 * np.maximum(h.size, 1)) & (h.size > 0) & ~h.guaranteed
    assert (unreached & (first.inc_guarantee > 0)).sum() > 0  # some were topped up last year
    assert np.all(h.inc_guarantee[unreached] == 0.0)

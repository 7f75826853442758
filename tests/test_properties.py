"""Properties that must hold under any valid policy mix."""

from __future__ import annotations

import numpy as np
import pytest

from app.runner import run
from sim.model import PovertyModel
from tests.helpers import small_config


def test_transfers_paid_equal_their_reported_cost():
    # Without the push's renovations and medical assistance, all it pays is guarantee income.
    model = PovertyModel(small_config("policy.deadline_push.secures_basic_guarantees=false"))
    for _ in range(4):
        model.step()
        h, row = model.h, model.current
        assert row["cost_dibao"] == pytest.approx(float(np.sum(h.weight * h.inc_dibao)), rel=1e-6)
        # Three levers pay guarantee income: the guarantee, the deadline push's cover and follow-up support.
        paid_as_guarantee = row["cost_guarantee"] + row["cost_deadline_push"] + row["cost_follow_up"]
        assert paid_as_guarantee == pytest.approx(float(np.sum(h.weight * h.inc_guarantee)), rel=1e-6)
        assert (h.inc_dibao[~(h.dibao | h.tekun)] == 0).all()
        total = row["cost_total"]
        assert total == pytest.approx(sum(v for k, v in row.items() if k.startswith("cost_") and k != "cost_total"))


def random_mix(rng: np.random.Generator) -> list[str]:
    """A random but valid policy mix (values drawn inside each parameter's allowed range)."""
    return [
        f"policy.dibao.take_up={rng.uniform(0, 1):.3f}",
        f"policy.dibao.grace_years={rng.integers(0, 4)}",
        f"policy.dibao.standard_mode={rng.choice(['absolute', 'relative'])}",
        f"policy.dibao.single_person_scope={rng.choice(['none', 'registered', 'low_income'])}",
        f"policy.dibao.require_no_full_labour={rng.choice(['true', 'false'])}",
        f"policy.public_posts.capacity={rng.uniform(0, 500_000):.0f}",
        f"policy.workshops.capacity={rng.uniform(0, 300_000):.0f}",
        f"policy.transfer_employment.placements_per_year={rng.uniform(0, 300_000):.0f}",
        f"policy.training.coverage={rng.uniform(0, 1):.3f}",
        f"policy.industry.coverage={rng.uniform(0, 1):.3f}",
        f"policy.health_insurance.oop_cap_share={rng.uniform(0, 1):.3f}",
        f"policy.guarantee.top_up_ratio_to_line={rng.uniform(0, 2):.3f}",
        f"policy.monitoring.threshold_ratio={rng.uniform(0.5, 3):.3f}",
        f"policy.monitoring.lag_years={rng.integers(0, 3)}",
        f"policy/transition={rng.choice(['keep', 'withdraw', 'phased', 'none'])}",
        f"dynamics.registration.lag_years={rng.integers(0, 3)}",
        f"seed={rng.integers(0, 1000)}",
    ]


@pytest.mark.parametrize("draw", range(6))
def test_random_valid_mixes_keep_invariants_and_the_identity(draw):
    overrides = random_mix(np.random.default_rng(1000 + draw))
    config = small_config(*overrides)
    assert config.check_invariants  # invariants and the identity are checked every simulated year
    table = run(config).table
    values = table["value"].to_numpy()
    assert np.isfinite(values[~np.isnan(values)]).all()
    flows = table[table["metric"].isin(["exits", "returns", "newly_poor", "true_poor", "monitored"])]
    assert (flows["value"].dropna() >= 0).all()

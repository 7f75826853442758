"""Validation: the model against checks it was not fitted to, each with its source.

Stylised facts from the seeds and one region other than Henan.  Each check records its source, the
expected direction or range, the simulated value (mean over common-random-number replicates) and
whether it passed.  A failed check is reported, not tuned away.  Outputs: ``validation.csv`` and
``validation.md`` in the experiment's folder.

- The remaining poor grow more ill or disabled, more without labour capacity and older (seed 000:
  "因病、因残致贫比例…无劳动能力者…65岁以上老人…这些人群的比例越往后越高").
- Guarantee exits concentrate among households without a full labourer (seed 000: 兜底 for those
  "完全丧失劳动能力和部分丧失劳动能力且无法依靠产业就业帮扶脱贫").
- Withdrawing support in 2021 raises returns and true fallback (seed 002: "防止急刹车").
- Monitoring lowers true poverty (seed 002: 防止返贫动态监测).
- Without the deadline push, more of the register is left at the deadline (seed 000: 兜底 for those
  who cannot exit by development; the push is a lever, the clearance its consequence).
- True fallback, registered or not, is far larger than registered returns: about 15 % of the exited
  fall below the line again within 3-5 years in a national household panel (REAL_OUTCOMES: CFPS).
- Monitored households split into seed 002's three groups, each a sizeable part (about a third
  each in one western city at end-2021: REAL_OUTCOMES, Baoshan).
- Luoyang clears its register by 2020 (seed 003: "到2020年,洛阳要实现48万贫困人口脱贫").
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.files import write_text
from app.compose import load_config
from app.experiments.targets import total, values
from app.runner import run
from sim import metrics
from sim.model import PovertyModel
from sim.state import ExitRoute, Registration


@dataclasses.dataclass
class Check:
    """One validation check and its outcome."""

    name: str
    source: str
    expected: str
    simulated: float
    passed: bool


def _campaign_composition(config, replicates: int) -> dict[str, tuple[float, float]]:
    """Composition of the register at the start and at the end of the campaign, and exit routes by labour.

    Returns share name -> (start, end-2020) means over replicates, plus the share of households
    without a full labourer among guarantee and among development exits in 2018-2020.
    """
    start_end: dict[str, list[tuple[float, float]]] = {}
    route_labour: dict[str, list[float]] = {"guarantee": [], "development": []}
    for replicate in range(replicates):
        model = PovertyModel(config, replicate)
        first = metrics.composition(model.h)
        exits = {"guarantee": [0.0, 0.0], "development": [0.0, 0.0]}  # [without a full labourer, all]
        while model.year < min(2020, config.region.end_year):
            before = model.h.reg.copy()
            model.step()
            h = model.h
            exited = (before == Registration.POOR) & (
                h.reg == Registration.EXITED
            )  # this year, by the route registration recorded
            guarantee = h.exit_route == ExitRoute.GUARANTEE
            persons = h.weight * h.reg_size
            for route, mask in (("guarantee", exited & guarantee), ("development", exited & ~guarantee)):
                exits[route][0] += float(persons[mask & (h.n_labour_full == 0)].sum())
                exits[route][1] += float(persons[mask].sum())
        last = metrics.composition(model.h)
        model.release()
        for name in first:
            start_end.setdefault(name, []).append((first[name], last[name]))
        for route, (without, every) in exits.items():
            route_labour[route].append(without / every if every else np.nan)
    summary = {name: tuple(np.mean(pairs, axis=0)) for name, pairs in start_end.items()}
    summary["no_full_labourer_among_exits"] = (
        float(np.nanmean(route_labour["guarantee"])),
        float(np.nanmean(route_labour["development"])),
    )
    return summary


def _ever_fell_back(config, replicates: int, within: int) -> float:
    """Share of persons exiting in the campaign years who are truly poor again within ``within`` years.

    Households are followed individually (a survey-style measure: registered or not), each from its
    first exit to ``within`` years later or the last simulated year.
    """
    deadline = min(config.region.deadline_year, config.region.end_year)
    shares = []
    for replicate in range(replicates):
        model = PovertyModel(config, replicate)
        first_exit = np.zeros(model.h.n, np.int16)
        fell_back = np.zeros(model.h.n, bool)
        while model.year < config.region.end_year:
            model.step()
            h = model.h
            new = (first_exit == 0) & (h.exit_year == model.year) & (model.year <= deadline)
            first_exit[new] = model.year
            watching = (first_exit > 0) & (model.year > first_exit) & (model.year <= first_exit + within)
            fell_back |= watching & h.true_poor
        persons = model.h.weight * model.h.reg_size
        model.release()
        exited = first_exit > 0
        shares.append(float(persons[exited & fell_back].sum() / max(persons[exited].sum(), 1.0)))
    return float(np.mean(shares))


def checks(overrides: list[str], replicates: int) -> list[Check]:
    """Run the configurations the checks need and evaluate them."""
    common = [*overrides, f"replicates={replicates}"]

    def config(*extra: str):
        return load_config([*common, *extra])

    found: list[Check] = []
    composition = _campaign_composition(config(), replicates)
    seed_000 = "seed 000 这些人群的比例越往后越高"
    for name, label in (
        ("share_illness_disability", "poor through illness or disability"),
        ("share_no_labour", "without labour capacity"),
        ("share_aged_65_plus", "aged 65+"),
    ):
        start, end = composition[name]
        found.append(
            Check(
                f"the remaining registered poor are more often {label} at end-2020 than at the start",
                seed_000,
                f"> {start:.3f} (share at the start)",
                end,
                bool(end > start),
            )
        )
    guarantee, development = composition["no_full_labourer_among_exits"]
    found.append(
        Check(
            "guarantee exits come from households without a full labourer more than development exits do",
            "seed 000 兜底 for 完全丧失劳动能力和部分丧失劳动能力且无法依靠产业就业帮扶脱贫的贫困人口",
            f"> {development:.3f} (share among development exits, 2018-2020)",
            guarantee,
            bool(guarantee > development),
        )
    )
    baseline = run(config()).table
    withdraw = run(config("scenario=withdraw_2021")).table
    for metric in ("returns", "fallbacks"):
        kept = total(baseline, metric, 2021, 2025)
        withdrawn = total(withdraw, metric, 2021, 2025)
        found.append(
            Check(
                f"withdrawing support in 2021 raises {metric} in 2021-2025 (every replicate)",
                "seed 002 防止急刹车 (四个不摘)",
                f"> {kept.mean():,.0f} (baseline)",
                float(withdrawn.mean()),
                bool((withdrawn > kept).all()),
            )
        )
    unmonitored = run(config("scenario=no_monitoring")).table
    with_monitoring, without = values(baseline, "true_poor", 2025), values(unmonitored, "true_poor", 2025)
    found.append(
        Check(
            "monitoring lowers the truly poor in 2025 (every replicate)",
            "seed 002 防止返贫动态监测",
            f"< {without.mean():,.0f} (no monitoring)",
            float(with_monitoring.mean()),
            bool((with_monitoring < without).all()),
        )
    )
    unpushed = run(config("scenario=no_deadline_push")).table
    deadline = min(config().region.deadline_year, config().region.end_year)
    left_pushed = values(baseline, "cohort_registered", deadline)
    left_unpushed = values(unpushed, "cohort_registered", deadline)
    found.append(
        Check(
            f"without the deadline push more of the initial register is left at end-{deadline} (every replicate)",
            "seed 000 为…无法依靠产业就业帮扶脱贫的贫困人口提供兜底保障 (the push as a lever)",
            f"> {left_pushed.mean():,.0f} (with the push)",
            float(left_unpushed.mean()),
            bool((left_unpushed > left_pushed).all()),
        )
    )
    fell_back = _ever_fell_back(config(), replicates, within=5)
    found.append(
        Check(
            "share of campaign exits truly poor again within 5 years, registered or not",
            "REAL_OUTCOMES (CFPS panel): 近15%的脱贫人口在间隔3~5年后会出现返贫现象",
            "in [0.05, 0.25] (survey figure about 0.15)",
            fell_back,
            bool(0.05 <= fell_back <= 0.25),
        )
    )
    first_year = config().policy.monitoring.start_year
    monitored = values(baseline, "monitored", first_year)
    for group in ("unstable", "edge", "hardship"):
        share_ = float(np.mean(values(baseline, f"monitored_{group}", first_year) / np.maximum(monitored, 1.0)))
        found.append(
            Check(
                f"{group} households' share of the monitored in {first_year}",
                "REAL_OUTCOMES (Baoshan, end-2021): about a third in each of seed 002's three groups",
                "in [0.2, 0.5]",
                share_,
                bool(0.2 <= share_ <= 0.5),
            )
        )
    luoyang = run(config("region=luoyang")).table
    start = luoyang["year"].min()
    still = values(luoyang, "cohort_registered", 2020) / values(luoyang, "registered_poor", start)
    found.append(
        Check(
            "Luoyang's initial register is cleared by end-2020 (share still registered)",
            "seed 003 到2020年,洛阳要实现48万贫困人口脱贫",
            "<= 0.01",
            float(still.mean()),
            bool(still.mean() <= 0.01),
        )
    )
    return found


def report(found: list[Check]) -> tuple[str, str]:
    """``validation.csv`` and ``validation.md`` texts."""
    table = pd.DataFrame([dataclasses.asdict(c) for c in found])
    csv = table.to_csv(index=False, float_format="%.6f", lineterminator="\n")
    passed = sum(c.passed for c in found)
    lines = [
        "# Validation",
        "",
        f"{passed} of {len(found)} checks passed. Each compares the model with something it was not fitted to;",
        "a failed check is reported, not tuned away.",
        "",
        "| check | source | expected | simulated | result |",
        "|---|---|---|---:|---|",
    ]
    for c in found:
        value = f"{c.simulated:,.3f}" if abs(c.simulated) < 10 else f"{c.simulated:,.0f}"
        lines.append(f"| {c.name} | {c.source} | {c.expected} | {value} | {'pass' if c.passed else 'FAIL'} |")
    return csv, "\n".join(lines) + "\n"


#: Files the experiment writes (recorded before writing, for a clean failure).
OUTPUTS = ("validation.csv", "validation.md")


def execute(experiment, overrides: list[str], run_dir: Path) -> list[Path]:
    """Evaluate every check and write the report files into ``run_dir``."""
    csv, markdown = report(checks(overrides, experiment.replicates))
    return [write_text(run_dir / "validation.csv", csv), write_text(run_dir / "validation.md", markdown)]

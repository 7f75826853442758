"""``report.html``: the comparison as one self-contained page a planner reads without Python.

The page answers "which policy mix keeps returns lowest, what does it cost, and how sure are
we?": the question each scenario answers, a key table per region (period totals with
intervals, paired differences to the reference, cost per outcome), the figures with captions,
the warnings of the analysis, how the numbers were made, and the manifests of the runs behind
them.  Figures are embedded as PNG data and the Chinese glyphs the page uses as a font subset
(:mod:`analysis.fonts`), so the file has no external reference: it opens offline, mailed or
archived, in any browser.
"""

from __future__ import annotations

import base64
import html
import json

import numpy as np

from analysis.analyse import Analysis
from analysis.fonts import FAMILY, embedded_font_css
from analysis.stats import CONFIDENCE, RESAMPLES

QUESTION = "Which policy mix keeps returns lowest, what does it cost, and how sure are we?"

#: Columns of the key table: (quantity or measure, heading, unit).
KEY_TOTALS = (
    ("returns", "Returns (返贫)", "persons"),
    ("new_fallbacks", "Falls back into poverty", "persons"),
    ("true_poor_last", "Truly poor, last year", "persons"),
    ("cost_total", "Public spending", "yuan"),
)
KEY_RATIOS = (
    ("cost_per_prevented_return", "Cost per prevented return"),
    ("cost_per_prevented_fallback", "Cost per prevented fallback"),
    ("cost_per_sustained_exit", "Cost per sustained exit"),
)

#: Headings are not bold: the embedded CJK face is regular, and Chromium shows bold CJK glyphs of a
#: regular-only web font as empty boxes rather than synthesising bold.
STYLE = """
body { font-family: 'DejaVu Sans', Arial, '%(family)s', sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 4px 7px; text-align: right; vertical-align: top; }
th { background: #f3f3f3; font-weight: normal; color: #000; } td:first-child, th:first-child { text-align: left; }
.ci { color: #666; font-size: 0.9em; white-space: nowrap; } .note { color: #666; font-size: 0.85em; }
td.text { text-align: left; } .better { color: #1a7f37; } .worse { color: #b42318; }
.warn { background: #fff4e5; border-left: 4px solid #f59e0b; padding: 0.5em 1em; }
figure { margin: 1.5em 0; } figure img { max-width: 100%%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; } pre { font-size: 0.75em; overflow-x: auto; background: #f8f8f8; }
"""


def _number(value: float, unit: str) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    if unit == "yuan":
        if abs(value) >= 1e9:
            return f"{value / 1e9:,.2f} bn"
        if abs(value) >= 1e6:
            return f"{value / 1e6:,.2f} m"
        return f"{value:,.0f}"
    return f"{value:,.0f}"


def _interval(low: float, high: float, unit: str) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f'<br><span class="ci">[{_number(low, unit)}, {_number(high, unit)}]</span>'


def _difference(row, unit: str, lower_is_better: bool = True) -> str:
    if not np.isfinite(row["diff"]):
        return ""
    sign = "+" if row["diff"] > 0 else ""
    sure = np.isfinite(row["diff_low"]) and (row["diff_low"] > 0 or row["diff_high"] < 0)
    css = ""
    if sure and row["diff"] != 0:
        css = "better" if (row["diff"] < 0) == lower_is_better else "worse"
    text = f"{sign}{_number(row['diff'], unit)}"
    return f'<br><span class="{css}">Δ {text}</span>{_interval(row["diff_low"], row["diff_high"], unit)}'


def key_table(analysis: Analysis, region: str) -> str:
    """Per label: key period totals with intervals and differences, and costs per outcome."""
    comparison = analysis.comparisons[region]
    totals = analysis.totals[analysis.totals["region"] == region].set_index(["label", "quantity"])
    ratios = analysis.cost_effectiveness
    ratios = ratios[ratios["region"] == region].set_index(["label", "measure"]) if len(ratios) else ratios
    labels = list(dict.fromkeys(analysis.totals.loc[analysis.totals["region"] == region, "label"]))
    head = ["Scenario (label)"]
    for quantity, heading, _unit in KEY_TOTALS:
        period = (
            totals.xs(quantity, level="quantity")["period"].iloc[0] if (labels[0], quantity) in totals.index else ""
        )
        head.append(f"{heading}<br>{html.escape(str(period))}")
    head += [heading for _, heading in KEY_RATIOS]
    rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for label in labels:
        cells = [html.escape(label) + (" <b>(reference)</b>" if label == comparison.reference else "")]
        for quantity, _heading, unit in KEY_TOTALS:
            if (label, quantity) not in totals.index:
                cells.append("–")
                continue
            row = totals.loc[(label, quantity)]
            diff = _difference(row, unit) if label != comparison.reference else ""
            cells.append(f"{_number(row['mean'], unit)}{_interval(row['low'], row['high'], unit)}{diff}")
        for measure, _heading in KEY_RATIOS:
            if len(ratios) == 0 or (label, measure) not in ratios.index:
                cells.append("–")
                continue
            row = ratios.loc[(label, measure)]
            note = f'<br><span class="note">{html.escape(row["note"])}</span>' if row["note"] else ""
            cells.append(f"{_number(row['value'], 'yuan')}{_interval(row['low'], row['high'], 'yuan')}{note}")
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return "<table>" + "\n".join(rows) + "</table>"


def answer(analysis: Analysis, region: str) -> str:
    """Plain sentences: lowest returns, lowest true poverty in the last year, cheapest, and how sure."""
    totals = analysis.totals[analysis.totals["region"] == region]
    comparison = analysis.comparisons[region]
    lines = []
    for quantity, phrase in (
        ("returns", "fewest returns to the register"),
        ("new_fallbacks", "fewest falls back into poverty"),
        ("true_poor_last", "fewest truly poor persons in the last year"),
        ("cost_total", "lowest public spending"),
    ):
        chosen = totals[totals["quantity"] == quantity]
        if chosen.empty:
            continue
        best = chosen.loc[chosen["mean"].idxmin()]
        sure = ""
        if comparison.reference and best["label"] != comparison.reference and np.isfinite(best["diff_high"]):
            sure = (
                " (below the reference with 95% confidence)"
                if best["diff_high"] < 0
                else " (not distinguishable from the reference at 95%)"
            )
        unit = best["unit"]
        lines.append(
            f"<li><b>{html.escape(best['label'])}</b> has the {phrase} in {html.escape(str(best['period']))}: "
            f"{_number(best['mean'], unit)}{' yuan' if unit == 'yuan' else ' persons'}{sure}.</li>"
        )
    ratios = analysis.cost_effectiveness
    chosen = ratios[
        (ratios["region"] == region) & (ratios["measure"] == "cost_per_prevented_return") & (ratios["value"] > 0)
    ]
    if len(chosen):
        best = chosen.loc[chosen["value"].idxmin()]
        lines.append(
            f"<li>Among scenarios that cost more and prevent returns, <b>{html.escape(best['label'])}</b> prevents "
            f"them most cheaply: {_number(best['value'], 'yuan')} yuan per return prevented over {best['period']}"
            f"{_interval(best['low'], best['high'], 'yuan').replace('<br>', ' ')}.</li>"
        )
    lines.append(
        "<li>Returns count re-registrations: a scenario that looks for fewer households finds fewer returns. "
        "Read them beside falls back into poverty and the truly poor in the last year.</li>"
    )
    return "<ul>" + "\n".join(lines) + "</ul>"


def scenarios(analysis: Analysis) -> str:
    """What each label is: its scenario, the question the scenario answers, its overrides and replicates."""
    rows = ["<tr><th>Label</th><th>Region</th><th>Scenario</th><th>Question it answers</th><th>Replicates</th></tr>"]
    for run in analysis.loaded.runs:
        count = analysis.loaded.replicates(run)
        question = run.manifest.get("question") or "(not recorded)"
        rows.append(
            f'<tr><td>{html.escape(run.label)}</td><td class="text">{html.escape(run.region)}</td>'
            f'<td class="text">{html.escape(run.scenario)}</td><td class="text">{html.escape(question)}</td>'
            f"<td>{count}</td></tr>"
        )
    return "<table>" + "\n".join(rows) + "</table>"


def manifests(analysis: Analysis) -> str:
    """Each run's manifest, folded."""
    parts = []
    for run in analysis.loaded.runs:
        folders = ", ".join(str(f) for f in run.folders)
        text = json.dumps(run.manifest, indent=1, ensure_ascii=False)
        parts.append(
            f"<details><summary>{html.escape(run.label)} ({html.escape(run.region)}): {html.escape(folders)}"
            f"</summary><pre>{html.escape(text)}</pre></details>"
        )
    return "\n".join(parts)


def method(analysis: Analysis) -> str:
    """How the numbers were made, in a few sentences."""
    return f"""<ul>
<li>Each scenario ran the same replicates: replicate r of every scenario draws the same household shocks (common
random numbers), so differences are taken replicate by replicate and their {CONFIDENCE:.0%} intervals come from
{RESAMPLES:,} bootstrap resamples of the paired differences (BCa). A mean's interval is Student's t over replicates.
Fewer than two replicates give no interval.</li>
<li>Returns count households re-registered (返贫); falls back count exited households truly poor again for the
first time since their exit, found or not. Sustained exits have not been truly poor since exiting.</li>
<li>Cost is all public spending the model counts on every lever, including the basic pension of every rural
resident 65+, which differs little between scenarios and cancels in the differences. Cost per prevented outcome
is the paired extra cost over the whole run divided by the paired outcomes prevented; where nothing is prevented
on average it is absent, never infinite.</li>
<li>Survival curves are Kaplan-Meier estimates (scipy.stats.ecdf, right-censored at a household's dissolution or
the last year) for the households on the register at the start, one curve per replicate; the band is the
t interval of the mean over replicates.</li>
<li>Exits, returns and fallbacks emerge from household incomes, shocks and policies; published plans are drawn for
comparison and never read by the model.</li>
</ul>"""


def render(analysis: Analysis, figures: dict[str, list[tuple[str, bytes]]], inputs: list[str]) -> str:
    """The whole page. ``figures`` maps each region to its (caption, PNG bytes) pairs, in order."""
    body = [f"<h1>Scenario comparison: {html.escape(', '.join(r.title() for r in analysis.regions))}</h1>"]
    body.append(f"<p><b>The question.</b> {QUESTION}</p>")
    body.append(f"<p>Runs read from: {html.escape(', '.join(inputs))}.</p>")
    if analysis.warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in analysis.warnings)
        body.append(f'<div class="warn"><b>Warnings</b><ul>{items}</ul></div>')
    body.append("<h2>Scenarios</h2>" + scenarios(analysis))
    for region in analysis.regions:
        comparison = analysis.comparisons[region]
        reference = comparison.reference or "(none)"
        body.append(f"<h2>{html.escape(region.title())}: the answer</h2>")
        body.append(
            f"<p>Reference: <b>{html.escape(reference)}</b>. Consolidation period "
            f"{comparison.transition_year}-{comparison.last_year}; whole run {comparison.first_year}-"
            f"{comparison.last_year}. Each cell: mean over replicates, its 95% interval, and (Δ) the paired "
            "difference to the reference with its interval; green or red when the interval excludes zero.</p>"
        )
        if comparison.shock_years:
            listed = "; ".join(f"{year}: {what}" for year, what in comparison.shock_years.items())
            body.append(
                f"<p><b>Shock years</b> (pinned by a scenario; shaded on the curves): {html.escape(listed)}. "
                "Background disasters strike at random in every run and are not shaded.</p>"
            )
        body.append(answer(analysis, region))
        body.append(key_table(analysis, region))
        body.append(f"<h2>{html.escape(region.title())}: figures</h2>")
        for caption, png in figures.get(region, []):
            data = base64.b64encode(png).decode("ascii")
            body.append(
                f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
    body.append("<h2>How the numbers were made</h2>" + method(analysis))
    body.append("<h2>Runs behind this report</h2>" + manifests(analysis))
    text = "\n".join(body)
    css = STYLE % {"family": FAMILY} + embedded_font_css(text)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Scenario comparison</title><style>{css}</style></head>\n<body>\n{text}\n</body></html>\n"
    )

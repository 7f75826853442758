"""``report.html``: the comparison as one self-contained page a planner reads without Python.

The page answers "which policy mix keeps the fewest people truly poor and returning, what does
it cost, and how sure are we?", in English or Chinese (``lang``; every phrase from
:mod:`analysis.i18n`): the question each scenario answers, a key table per region led by the
person-years of true poverty and the cost per person-year out of it (every column naming its
period, intervals, paired differences to the reference), the yearly differences of the truly
poor (a period total never hides a change inside it), the figures with captions, the warnings of
the analysis, how the numbers were made, and the manifests of the runs behind them.  Figures are
embedded as PNG data and the Chinese glyphs the page uses as a font subset
(:mod:`analysis.fonts`), so the file has no external reference: it opens offline, mailed or
archived, in any browser.
"""

from __future__ import annotations

import base64
import html
import json

import numpy as np

from analysis import i18n
from analysis.analyse import Analysis
from analysis.fonts import FAMILY, embedded_font_css
from analysis.i18n import amount, money_per, say
from analysis.stats import CONFIDENCE, RESAMPLES
from analysis.tables import RATIOS

#: Columns of the key table, in order: ("total", quantity) or ("ratio", measure).  True poverty leads;
#: the cost per prevented return stands only beside the cost per person-year out of true poverty.
KEY_COLUMNS = (
    ("total", "true_poor_years_run"),
    ("ratio", "cost_per_poverty_year_prevented"),
    ("total", "returns"),
    ("total", "new_fallbacks"),
    ("total", "cost_total_run"),
    ("ratio", "cost_per_prevented_return"),
    ("ratio", "cost_per_prevented_fallback"),
)
#: What the answer names the best scenario for: (quantity, phrase key).
ANSWERS = (
    ("true_poor_years_run", "what.true_poor_years"),
    ("returns", "what.returns"),
    ("new_fallbacks", "what.new_fallbacks"),
    ("cost_total_run", "what.cost_total"),
)
_RATIO_TITLES = {ratio.name: ratio.title for ratio in RATIOS}

#: Headings are not bold: the embedded CJK face is regular, and Chromium shows bold CJK glyphs of a
#: regular-only web font as empty boxes rather than synthesising bold.  The embedded family comes
#: first; its ``unicode-range`` leaves Latin text to DejaVu Sans (see ``analysis.fonts``).
STYLE = """
body { font-family: '%(family)s', 'DejaVu Sans', Arial, sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1, h2, h3 { font-weight: normal; } h1 { font-size: 1.5em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 4px 7px; text-align: right; vertical-align: top; }
th { background: #f3f3f3; font-weight: normal; color: #000; } td:first-child, th:first-child { text-align: left; }
th.lead, td.lead { background: #f4f8ff; } table.key td .note { display: inline-block; max-width: 11em; }
th.text { text-align: left; }
.ci { color: #666; font-size: 0.9em; white-space: nowrap; } .note { color: #666; font-size: 0.85em; }
.code { color: #888; font-size: 0.8em; } .swatch { display: inline-block; width: 0.8em; height: 0.8em;
       margin-right: 0.35em; vertical-align: baseline; }
td.text { text-align: left; } .better { color: #1a7f37; } .worse { color: #b42318; }
.warn { background: #fff4e5; border-left: 4px solid #f59e0b; padding: 0.5em 1em; }
figure { margin: 1.5em 0; } figure img { max-width: 100%%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; } pre { font-size: 0.75em; overflow-x: auto; background: #f8f8f8;
      font-family: '%(family)s', 'DejaVu Sans Mono', monospace; }
"""


def _interval(low: float, high: float, unit: str, lang: str) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f'<br><span class="ci">[{amount(low, unit, lang, False)}, {amount(high, unit, lang, False)}]</span>'


def _difference(row, unit: str, lang: str, lower_is_better: bool = True) -> str:
    if not np.isfinite(row["diff"]):
        return ""
    sure = np.isfinite(row["diff_low"]) and (row["diff_low"] > 0 or row["diff_high"] < 0)
    css = ""
    if sure and row["diff"] != 0:
        css = "better" if (row["diff"] < 0) == lower_is_better else "worse"
    text = amount(row["diff"], unit, lang, False, sign=True)
    return f'<br><span class="{css}">Δ {text}</span>{_interval(row["diff_low"], row["diff_high"], unit, lang)}'


def label_cell(analysis: Analysis, label: str, reference: str | None, lang: str) -> str:
    """A scenario's planner name, its colour swatch and, small, its code label."""
    from analysis.plots import colour_of

    colour = colour_of(label, reference)[0]
    name = html.escape(analysis.label_name(label, lang))
    mark = f" {say('report.reference_mark', lang)}" if label == reference else ""
    code = f'<br><span class="code">{html.escape(label)}</span>' if name != html.escape(label) else ""
    return f'<span class="swatch" style="background:{colour}"></span>{name}{mark}{code}'


def _price_interval(row, lang: str) -> str:
    if not (np.isfinite(row["low"]) and np.isfinite(row["high"])):
        return ""
    low, high = money_per(row["low"], lang, False), money_per(row["high"], lang, False)
    return f'<br><span class="ci">[{low}, {high}]</span>'


def ratio_text(row, lang: str, measure: str) -> str:
    """A cost per outcome: the price with its interval, or what happened when there is no price."""
    if row["verdict"] == "trade":
        note = ""
        if row["note"]:
            key = "verdict.unbounded" if row["note"].startswith("interval unbounded") else "verdict.few"
            note = f'<br><span class="note">{say(key, lang)}</span>'
        return f"{money_per(row['value'], lang, False)}{_price_interval(row, lang)}{note}"
    if not row["verdict"]:  # cost per sustained exit: a plain ratio
        return f"{money_per(row['value'], lang, False)}{_price_interval(row, lang)}"
    if row["verdict"] == "cheaper_worse" and row["prevented"] < 0:
        per = money_per(row["extra_cost"] / row["prevented"], lang)
        unit = say(f"per.{measure}", lang)
        return f'<span class="note">{say("verdict.cheaper_worse_by", lang, per=per, unit=unit)}</span>'
    return f'<span class="note">{say("verdict." + row["verdict"], lang)}</span>'


def _heading(kind: str, name: str, period: str, unit: str, lang: str) -> str:
    title = _RATIO_TITLES[name](lang) if kind == "ratio" else i18n.quantity_name(name, lang)
    unit_name = f", {say('unit.yuan_each', lang)}" if kind == "ratio" else f", {i18n.scale(unit, lang)[1]}"
    return f"{html.escape(title)}{unit_name}<br>{html.escape(period)}"


def key_table(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> str:
    """Per label: the key period totals (true poverty first) and the costs per outcome, every header with its period."""
    comparison = analysis.comparisons[region]
    totals = analysis.totals[analysis.totals["region"] == region].set_index(["label", "quantity"])
    ratios = analysis.cost_effectiveness
    ratios = ratios[ratios["region"] == region].set_index(["label", "measure"]) if len(ratios) else ratios
    labels = list(dict.fromkeys(analysis.totals.loc[analysis.totals["region"] == region, "label"]))
    columns = []
    for kind, name in KEY_COLUMNS:
        if kind == "total":
            found = totals.xs(name, level="quantity") if name in totals.index.get_level_values(1) else None
            if found is None:
                continue
            columns.append((kind, name, str(found["period"].iloc[0]), str(found["unit"].iloc[0])))
        else:
            if len(ratios) == 0 or name not in ratios.index.get_level_values(1):
                continue
            columns.append((kind, name, str(ratios.xs(name, level="measure")["period"].iloc[0]), "yuan"))
    head = [say("col.scenario", lang)]
    head += [_heading(kind, name, period, unit, lang) for kind, name, period, unit in columns]
    css = ["" if i > 2 or i == 0 else ' class="lead"' for i in range(len(head))]
    rows = ["<tr>" + "".join(f"<th{c}>{h}</th>" for c, h in zip(css, head, strict=True)) + "</tr>"]
    for label in labels:
        cells = [label_cell(analysis, label, comparison.reference, lang)]
        for kind, name, _period, unit in columns:
            if kind == "total":
                if (label, name) not in totals.index:
                    cells.append("–")
                    continue
                row = totals.loc[(label, name)]
                diff = _difference(row, unit, lang) if label != comparison.reference else ""
                cells.append(
                    f"{amount(row['mean'], unit, lang, False)}{_interval(row['low'], row['high'], unit, lang)}{diff}"
                )
            else:
                if (label, name) not in ratios.index:
                    cells.append("–")
                    continue
                cells.append(ratio_text(ratios.loc[(label, name)], lang, name))
        rows.append("<tr>" + "".join(f"<td{c}>{x}</td>" for c, x in zip(css, cells, strict=True)) + "</tr>")
    return '<table class="key">' + "\n".join(rows) + "</table>"


def yearly_differences(analysis: Analysis, region: str, lang: str = i18n.DEFAULT, metric: str = "true_poor") -> str:
    """Per label and year, the paired difference of ``metric`` to the reference with its interval."""
    comparison = analysis.comparisons[region]
    if comparison.reference is None:
        return ""
    summary = analysis.summary
    chosen = summary[
        (summary["region"] == region)
        & (summary["metric"] == metric)
        & (summary["year"] >= comparison.first_year)
        & (summary["label"] != comparison.reference)
    ]
    if chosen.empty:
        return ""
    years = sorted(chosen["year"].unique())
    unit = "persons"
    head = [say("col.scenario", lang), *(str(y) for y in years)]
    rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    cells_by = chosen.set_index(["label", "year"])
    for label in dict.fromkeys(chosen["label"]):
        cells = [label_cell(analysis, label, comparison.reference, lang)]
        for year in years:
            row = cells_by.loc[(label, year)] if (label, year) in cells_by.index else None
            cells.append("–" if row is None else _difference(row, unit, lang).removeprefix("<br>"))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    scale_note = f" ({i18n.scale(unit, lang)[1]})"
    return (
        f"<h3>{say('report.yearly_heading', lang)}{html.escape(scale_note)}</h3>"
        f'<p class="note">{say("report.yearly_note", lang)}</p>'
        '<table class="yearly-differences">' + "\n".join(rows) + "</table>"
    )


def answer(analysis: Analysis, region: str, lang: str = i18n.DEFAULT) -> str:
    """Plain sentences: fewest person-years of true poverty, returns, falls back, cheapest, and how sure."""
    totals = analysis.totals[analysis.totals["region"] == region]
    comparison = analysis.comparisons[region]
    lines = []
    for quantity, what in ANSWERS:
        chosen = totals[totals["quantity"] == quantity]
        if chosen.empty:
            continue
        best = chosen.loc[chosen["mean"].idxmin()]
        sure = ""
        if comparison.reference and best["label"] != comparison.reference and np.isfinite(best["diff_high"]):
            sure = say("answer.sure_below" if best["diff_high"] < 0 else "answer.not_sure", lang)
        label = f"<b>{html.escape(analysis.label_name(best['label'], lang))}</b>"
        value = amount(best["mean"], best["unit"], lang)
        period = html.escape(str(best["period"]))
        sentence = say("answer.fewest", lang, label=label, what=say(what, lang), period=period, value=value, sure=sure)
        lines.append(f"<li>{sentence}</li>")
    ratios = analysis.cost_effectiveness
    if len(ratios):
        chosen = ratios[
            (ratios["region"] == region)
            & (ratios["measure"] == "cost_per_poverty_year_prevented")
            & (ratios["verdict"] == "trade")
        ]
        if len(chosen):
            best = chosen.loc[chosen["value"].idxmin()]
            interval = ""
            if np.isfinite(best["low"]):
                interval = f" [{money_per(best['low'], lang)}, {money_per(best['high'], lang)}]"
            lines.append(
                "<li>"
                + say(
                    "answer.cheapest_year",
                    lang,
                    label=f"<b>{html.escape(analysis.label_name(best['label'], lang))}</b>",
                    value=money_per(best["value"], lang),
                    period=best["period"],
                    interval=interval,
                )
                + "</li>"
            )
    lines.append(f"<li>{say('answer.returns_caveat', lang)}</li>")
    return "<ul>" + "\n".join(lines) + "</ul>"


def scenarios(analysis: Analysis, lang: str = i18n.DEFAULT) -> str:
    """What each label is: its planner name, region, code label, the question it answers, replicates."""
    head = ["col.scenario", "col.region", "col.label", "col.question", "col.replicates"]
    left = ' class="text"'
    rows = ["<tr>" + "".join(f"<th{'' if h == 'col.replicates' else left}>{say(h, lang)}</th>" for h in head) + "</tr>"]
    for run in analysis.loaded.runs:
        count = analysis.loaded.replicates(run)
        question = (lang == "zh" and run.manifest.get("question_zh")) or run.manifest.get("question")
        question = question or say("question.unrecorded", lang)
        reference = analysis.comparisons[run.region].reference
        rows.append(
            f"<tr><td>{label_cell(analysis, run.label, reference, lang)}</td>"
            f'<td class="text">{html.escape(analysis.region_name(run.region, lang))}</td>'
            f'<td class="text">{html.escape(run.label)}</td><td class="text">{html.escape(question)}</td>'
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


def method(analysis: Analysis, lang: str = i18n.DEFAULT) -> str:
    """How the numbers were made, in a few sentences."""
    items = [
        say("method.pairing", lang, confidence=f"{CONFIDENCE:.0%}", resamples=f"{RESAMPLES:,}"),
        say("method.true_poverty", lang),
        say("method.counts", lang),
        say("method.cost", lang),
        say("method.survival", lang),
        say("method.emergent", lang),
    ]
    return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"


def render(
    analysis: Analysis, figures: dict[str, list[tuple[str, bytes]]], inputs: list[str], lang: str = i18n.DEFAULT
) -> str:
    """The whole page in ``lang``. ``figures`` maps each region to its (caption, PNG bytes) pairs, in order."""
    names = ", ".join(analysis.region_name(r, lang) for r in analysis.regions)
    title = say("report.title", lang, regions=names)
    body = [f"<h1>{html.escape(title)}</h1>"]
    body.append(f"<p><b>{say('report.question_lead', lang)}</b> {say('report.question', lang)}</p>")
    body.append(f"<p>{html.escape(say('report.read_from', lang, inputs=', '.join(inputs)))}</p>")
    if analysis.warnings:
        items = "".join(f"<li>{html.escape(i18n.in_language(w, lang))}</li>" for w in analysis.warnings)
        body.append(f'<div class="warn"><b>{say("report.warnings", lang)}</b><ul>{items}</ul></div>')
    body.append(f"<h2>{say('report.scenarios', lang)}</h2>" + scenarios(analysis, lang))
    for region in analysis.regions:
        comparison = analysis.comparisons[region]
        region_title = html.escape(analysis.region_name(region, lang))
        reference = (
            analysis.label_name(comparison.reference, lang)
            if comparison.reference
            else say("report.no_reference", lang)
        )
        body.append(f"<h2>{say('report.answer', lang, region=region_title)}</h2>")
        body.append(
            "<p>"
            + html.escape(
                say(
                    "report.reading",
                    lang,
                    reference=reference,
                    transition=comparison.period_name("transition"),
                    run=comparison.period_name("run"),
                )
            )
            + "</p>"
        )
        if comparison.shock_years:
            listed = "; ".join(f"{year}: {what}" for year, what in comparison.shock_years.items())
            body.append(f"<p>{html.escape(say('report.shocks', lang, listed=listed))}</p>")
        body.append(answer(analysis, region, lang))
        body.append(key_table(analysis, region, lang))
        body.append(yearly_differences(analysis, region, lang))
        body.append(f"<h2>{say('report.figures', lang, region=region_title)}</h2>")
        for caption, png in figures.get(region, []):
            data = base64.b64encode(png).decode("ascii")
            body.append(
                f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            )
    body.append(f"<h2>{say('report.method', lang)}</h2>" + method(analysis, lang))
    body.append(f"<h2>{say('report.runs', lang)}</h2>" + manifests(analysis))
    text = "\n".join(body)
    css = STYLE % {"family": FAMILY} + embedded_font_css(text)
    html_lang = "zh-Hans" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{css}</style></head>\n<body>\n{text}\n</body></html>\n"
    )

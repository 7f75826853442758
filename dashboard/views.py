"""What the dashboard shows of a comparison, as figures (PNG) and HTML tables, without the page.

The views are declared once in :data:`VIEWS`: a title, the report figures it shows (by their
name in :data:`analysis.figures.FIGURES`, so the page and ``report.html`` draw the same pictures
with the same functions) and the tables it adds.  Figures are drawn once per comparison and kept;
the tables are the report's key table and the yearly figures of :func:`yearly_table`.  Every
Chinese character the page shows is rendered by an embedded subset of the pinned CJK font
(:func:`analysis.fonts.embedded_font_css`), so the page needs no system font and no internet.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import io
import threading

import matplotlib

matplotlib.use("Agg")  # figures are drawn off screen, in the server's threads

import matplotlib.pyplot as plt
import numpy as np

from analysis import i18n
from analysis.figures import FIGURES
from analysis.fonts import CJK_START, FAMILY, embedded_font_css, use_cjk
from analysis.i18n import say
from analysis.report import answer, key_table, yearly_differences
from dashboard.service import Comparison
from sim import metrics
from sim.text import Text


@dataclasses.dataclass(frozen=True)
class View:
    """One tab of results: report figures by name and tables by kind."""

    title: Text
    figures: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()  # "totals", "yearly"


VIEWS = (
    View(Text("Curves", "曲线"), ("true_poor", "curves", "deltas")),
    View(Text("Totals and costs", "合计与成本"), ("routes_spending",), ("totals",)),
    View(Text("Poverty and monitoring", "贫困与监测"), ("registered_vs_true", "monitoring")),
    View(Text("Villages, counties", "贫困村与贫困县"), ("areas",)),
    View(Text("Survival", "生存曲线"), ("survival", "frontier")),
    View(Text("Yearly table", "逐年表"), (), ("yearly",)),
)

CAPTIONS = {spec.name: spec.caption for spec in FIGURES}  # name -> caption(lang)
#: Figures that compare a scenario with its reference: left out when the scenario is the reference.
PAIRED = (*(spec.name for spec in FIGURES if spec.paired), "frontier")

#: Metrics of the yearly table, curves first (percent), then the output contract's yearly metrics.
CURVE_UNITS = {"curve_exit": "%", "curve_return": "% of exits", "curve_fallback": "% of exits"}

_DRAW_LOCK = threading.Lock()  # pyplot's state is global: one figure (or table) made at a time


_MADE: dict[tuple[str, str], bytes | str | None] = {}  # (comparison folder, view part) -> PNG or HTML
KEEP_MADE = 64


def _once(comparison: Comparison, part: str, make):
    """``make()`` for this comparison the first time; afterwards what it made (pages re-render often)."""
    key = (str(comparison.folder), part)
    with _DRAW_LOCK:
        if key not in _MADE:
            while len(_MADE) >= KEEP_MADE:
                _MADE.pop(next(iter(_MADE)))
            _MADE[key] = make()
        return _MADE[key]


def figure_png(comparison: Comparison, name: str, lang: str = i18n.DEFAULT) -> bytes | None:
    """The report's figure ``name`` for this comparison as PNG (None when it has no rows, e.g. no ledger)."""
    return _once(comparison, f"figure:{name}:{lang}", lambda: _draw(comparison, name, lang))


def _draw(comparison: Comparison, name: str, lang: str) -> bytes | None:
    spec = next(spec for spec in FIGURES if spec.name == name)
    region = comparison.config.region.name
    if not spec.available(comparison.analysis, region):
        return None
    use_cjk()
    fig = spec.draw(comparison.analysis, region, lang)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def totals_html(comparison: Comparison, lang: str = i18n.DEFAULT) -> str:
    """The report's plain-sentence answer, key table and the truly poor's yearly differences."""
    region = comparison.config.region.name
    analysis = comparison.analysis
    return _once(
        comparison,
        f"totals:{lang}",
        lambda: (
            f"<p>{answer(analysis, region, lang)}</p>{key_table(analysis, region, lang)}"
            f"{yearly_differences(analysis, region, lang)}"
        ),
    )


def _number(value: float, unit: str) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    if unit.startswith("%") or unit == "share":
        return f"{value:,.1f}" if unit.startswith("%") else f"{value:.3f}"
    return f"{value:,.0f}"


def yearly_rows(lang: str = i18n.DEFAULT) -> list[tuple[str, str, str, str]]:
    """(metric, planner name, unit, meaning) of each row of the yearly table."""
    rows = [
        (name, i18n.metric_name(name, lang), unit, i18n.metric_name(name, lang)) for name, unit in CURVE_UNITS.items()
    ]
    yearly = set(metrics.yearly_names())
    for metric in metrics.metrics():
        if metric.name in yearly:
            meaning = metric.meaning if lang == i18n.DEFAULT else metric.title(lang)
            rows.append((metric.name, i18n.metric_name(metric.name, lang), metric.unit, meaning))
    return rows


def yearly_table(comparison: Comparison, lang: str = i18n.DEFAULT) -> str:
    """Mean by year of every metric for the scenario, with its paired difference to the reference.

    Each value cell carries ``data-metric``, ``data-year`` and ``data-label`` so that a reader (or a
    test) can find one figure for a known year.
    """
    return _once(comparison, f"yearly:{lang}", lambda: _yearly_table(comparison, lang))


def _yearly_table(comparison: Comparison, lang: str) -> str:
    summary = comparison.analysis.summary
    mine = summary[summary["label"] == comparison.label].set_index(["metric", "year"])
    years = sorted(int(y) for y in mine.index.get_level_values("year").unique())
    paired = comparison.label != comparison.reference_label
    head = "".join(f"<th>{year}</th>" for year in years)
    lines = [
        f"<table class='yearly'><tr><th>{say('page.metric', lang)}</th><th>{say('page.unit', lang)}</th>{head}</tr>"
    ]
    for metric, name, unit, meaning in yearly_rows(lang):
        if (metric, years[-1]) not in mine.index:
            continue
        cells = []
        for year in years:
            if (metric, year) not in mine.index:
                cells.append("<td>–</td>")
                continue
            row = mine.loc[(metric, year)]
            delta = ""
            if paired and np.isfinite(row["diff"]):
                interval = (
                    f" [{_number(row['diff_low'], unit)}, {_number(row['diff_high'], unit)}]"
                    if np.isfinite(row["diff_low"])
                    else ""
                )
                delta = f"<br><span class='ci'>Δ {_signed(row['diff'], unit)}{interval}</span>"
            cells.append(
                f"<td data-metric='{metric}' data-year='{year}' data-label='{html.escape(comparison.label)}'>"
                f"<span class='value'>{_number(row['mean'], unit)}</span>{delta}</td>"
            )
        title = html.escape(meaning, quote=True)
        lines.append(
            f"<tr><td class='text' title='{title}'>{html.escape(name)}</td>"
            f"<td class='text'>{html.escape(_unit_name(unit, lang))}</td>"
            f"{''.join(cells)}</tr>"
        )
    lines.append("</table>")
    scenario = html.escape(comparison.analysis.label_name(comparison.label, lang))
    reference = html.escape(comparison.analysis.label_name(comparison.reference_label, lang))
    key = "page.yearly_paired" if paired else "page.yearly_self"
    note = f"<p class='note'>{say(key, lang, label=f'<b>{scenario}</b>', reference=f'<b>{reference}</b>')}</p>"
    return note + "\n".join(lines)


def _unit_name(unit: str, lang: str) -> str:
    """The unit as the yearly table writes it (real persons and yuan, in full)."""
    key = {"persons": "unit.persons_full", "yuan": "unit.yuan_each"}.get(unit, f"unit.{unit}")
    return say(key, lang) if key in i18n.PHRASES else unit


def _signed(value: float, unit: str) -> str:
    text = _number(abs(value), unit)
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "0")


PAGE_STYLE = """
.v-application, .v-application .body-1, .v-application .body-2, .v-application .caption,
.v-application .solara-markdown, .v-application .rendered_html, .v-application h1, .v-application h2,
.v-application h3, .v-application .v-btn, .v-application .v-label, .v-application input {
  font-family: '%(family)s', Roboto, 'DejaVu Sans', sans-serif !important; }
.v-application h1, .v-application h2, .v-application h3, .v-application strong, .v-application b,
.v-application .v-btn { font-weight: normal !important; }
.results table { border-collapse: collapse; font-size: 0.82em; margin: 0.5em 0 1em; }
.results th, .results td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; vertical-align: top; }
.results th { background: #f3f3f3; font-weight: normal; }
.results td.text, .results td:first-child, .results th:first-child { text-align: left; }
.results .ci { color: #666; font-size: 0.9em; white-space: nowrap; } .results .note { color: #555; }
.results .better { color: #1a7f37; } .results .worse { color: #b42318; }
.results figure img { max-width: 100%%; }
.results .table-yearly { overflow-x: auto; max-width: 100%%; } .results .table-yearly table { width: auto; }
.results .table-yearly td { white-space: nowrap; }
.results .swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.35em; }
.results .code { color: #888; font-size: 0.8em; }
.results table.key td .note { display: inline-block; max-width: 11em; }
.results th.lead, .results td.lead { background: #f4f8ff; }
.run-bar { position: sticky; top: 0; z-index: 5; background: #ffffff; padding: 6px 0; }
"""


def page_css(text: str, vocabulary: str = "") -> str:
    """The page's style, with the CJK glyphs of ``text`` and of ``vocabulary`` embedded as a web font.

    The glyphs are those of the vocabulary, and of ``text``'s characters beyond it when it has any:
    the style stays the same (and its font is subset once) while the text changes within it.
    """
    characters = {c for c in vocabulary if ord(c) >= CJK_START}
    characters |= {c for c in text if ord(c) >= CJK_START}
    return _page_css("".join(sorted(characters)))


@functools.lru_cache(maxsize=32)
def _page_css(characters: str) -> str:
    return embedded_font_css(characters) + PAGE_STYLE % {"family": FAMILY}


__all__ = [
    "CAPTIONS",
    "PAIRED",
    "VIEWS",
    "View",
    "figure_png",
    "page_css",
    "totals_html",
    "yearly_rows",
    "yearly_table",
]

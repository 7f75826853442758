"""The dashboard page (solara): controls in the sidebar, a comparison's views in tabs.

A planner picks a region, a scenario from the catalogue and the reference to compare against,
moves the key levers (:data:`dashboard.controls.LEVERS`, each with its unit and valid range)
and presses *Run comparison*.  The comparison runs in a background thread
(:func:`solara.lab.task`) with a progress bar, so the page never freezes; replicates already in
the result store are read at once; a bad value or a failed run shows its one-line message.
The results stay on screen, greyed, while the next comparison runs.

Built on solara, the library under Mesa's SolaraViz, rather than on SolaraViz itself:
SolaraViz steps one model instance and plots its data collector, while the planner's question
needs replicates of two configurations paired replicate by replicate, read from the store and
summarised with intervals, which is what :mod:`dashboard.service` and :mod:`analysis` do.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import solara
import solara.lab

from dashboard import controls, service, views
from dashboard.controls import UsageError

#: Where comparisons are written (set by ``python -m dashboard --out``).
OUT_ENV = "POVERTY_DASHBOARD_OUT"
#: The page starts at 5 replicates, the fewest that give useful intervals (the command line's default is 1).
PAGE_SETTINGS = {"replicates": "5"}

region = solara.reactive("henan")
scenario = solara.reactive("baseline")
reference = solara.reactive("baseline")
values: solara.Reactive[dict[str, str]] = solara.reactive({})
problem = solara.reactive("")  # the one-line message of a bad value
saved = solara.reactive("")
save_problem = solara.reactive("")
tab = solara.reactive(0)


def out_root() -> Path:
    """The folder comparisons are written under."""
    return Path(os.environ.get(OUT_ENV, "outputs/dashboard"))


def one_line(err: BaseException) -> str:
    """The message a planner reads: the command line's line for bad input, else the error's first line."""
    if isinstance(err, UsageError):
        return str(err)
    text = str(err).strip().splitlines()
    return f"the run failed: {type(err).__name__}: {text[0] if text else ''}"


@solara.lab.task
def comparison_task(request: service.Request) -> service.Comparison:
    """Run a comparison in a background thread, reporting finished replicates as progress."""

    def progress(done: int, total: int) -> None:
        comparison_task.progress = 100.0 * done / max(total, 1)

    comparison_task.progress = 0.0
    return service.compare(request, out_root(), progress)


def defaults_for(region_name: str, scenario_name: str) -> dict[str, str]:
    """The controls' values in the scenario's configuration ({} if it cannot be composed)."""
    try:
        return controls.current_values(region_name, scenario_name)
    except UsageError as err:
        problem.set(str(err))
        return {}


@solara.component
def Control(control: controls.Control, current: dict[str, str], defaults: dict[str, str]) -> None:
    """One setting: a choice or a typed-in value, with its unit, range and meaning."""
    value = current.get(control.key, defaults.get(control.key, ""))
    changed = value.strip() != defaults.get(control.key, "")
    bad = controls.offending_key(problem.value) == control.key

    def set_value(text: str | None) -> None:
        values.set({**values.value, control.key: (text or "").strip()})
        problem.set("")

    label = control.label()
    was = f"changed from {defaults.get(control.key, '?')} · " if changed else ""
    hint = f"{was}allowed: {control.allowed} · {control.meaning}"
    if control.choices:
        solara.Select(label, values=control.choices, value=value, on_value=set_value, dense=True)
    else:
        solara.InputText(label, value=value, on_value=set_value, dense=True, error=bad)
    solara.Text(hint, style={"display": "block", "font-size": "0.72em", "color": "#666", "margin-bottom": "12px"})


@solara.component
def Controls(defaults: dict[str, str]) -> None:
    """Region, scenario, reference, levers, run settings and the run button."""
    questions = dict(service.catalogue())
    names = list(questions)

    def choose_region(name: str) -> None:
        region.set(name)
        values.set({k: v for k, v in values.value.items() if k in _settings_keys()})  # levers follow the region
        problem.set("")

    def choose_scenario(name: str) -> None:
        scenario.set(name)
        values.set({k: v for k, v in values.value.items() if k in _settings_keys()})  # levers follow the scenario
        problem.set("")

    solara.Select("Region", values=service.regions(), value=region.value, on_value=choose_region)
    solara.Select("Scenario", values=names, value=scenario.value, on_value=choose_scenario)
    solara.Text(questions.get(scenario.value, ""), style={"font-size": "0.8em", "color": "#444"})
    solara.Select("Compare against (reference)", values=names, value=reference.value, on_value=reference.set)
    current = {**defaults, **PAGE_SETTINGS, **values.value}
    for section in (*controls.LEVERS, controls.RUN_SETTINGS):
        with solara.Details(section.title, expand=section is controls.RUN_SETTINGS):
            for control in section.controls:
                Control(control, current, defaults)
    with solara.Row():
        solara.Button(
            "Run comparison",
            color="primary",
            on_click=lambda: run(defaults),
            disabled=comparison_task.pending or not defaults,
        )
        solara.Button("Reset levers", on_click=lambda: (values.set({}), problem.set("")), text=True)
    if problem.value:
        solara.Error(problem.value, classes=["problem"])


def _settings_keys() -> set[str]:
    return {c.key for c in controls.RUN_SETTINGS.controls}


def chosen_overrides(defaults: dict[str, str]) -> list[str]:
    """The overrides the page's values make (the page's own starting settings included)."""
    return controls.overrides({**PAGE_SETTINGS, **values.value}, defaults)


def run(defaults: dict[str, str]) -> None:
    """Validate the settings (one line if bad), then start the comparison in the background."""
    request = service.Request(region.value, scenario.value, reference.value, tuple(chosen_overrides(defaults)))
    try:
        service.configurations(request)
    except UsageError as err:
        problem.set(str(err))
        return
    problem.set("")
    saved.set("")
    comparison_task(request)


@solara.component
def Status() -> None:
    """Progress while a comparison runs; its error if it failed; where the shown numbers come from."""
    if comparison_task.pending:
        progress = comparison_task.progress
        solara.ProgressLinear(progress if progress else True)
        solara.Text(
            f"Running: {progress or 0:.0f}% of the replicates done (replicates already in the store are read at once)",
            classes=["running"],
        )
    elif comparison_task.error:
        solara.Error(one_line(comparison_task.exception), classes=["problem"])
    shown = comparison_task.latest
    if shown is not None:
        record = service.record(shown)
        solara.Text(
            f"Showing {record['scenario']} against {record['reference']} · "
            f"{record['replicates simulated']} replicates simulated, {record['replicates read from the store']} "
            f"read from the store · {record['seconds']} s · {record['folder']}",
            style={"font-size": "0.8em", "color": "#555"},
            classes=["shown"],
        )
        for warning in shown.analysis.warnings:
            solara.Warning(warning, dense=True)
        for comparison in shown.analysis.comparisons.values():
            for year, what in comparison.shock_years.items():
                solara.Info(f"Shock year {year}: {what} (shaded on the curves)", dense=True, classes=["shock-year"])


@solara.component
def Figure(comparison: service.Comparison, name: str) -> None:
    """A report figure with its caption."""
    png = views.figure_png(comparison, name)
    if png is None:
        solara.Info(f"No {name} figure: the runs kept no event ledger (output.events).")
        return
    solara.Image(png, width="100%")
    solara.Text(views.CAPTIONS[name], style={"font-size": "0.85em", "color": "#444"})


@solara.component
def Results(comparison: service.Comparison) -> None:
    """The views of a comparison, one tab each, then saving and downloads."""
    stale = comparison_task.pending
    with (
        solara.Column(classes=["results"], style={"opacity": "0.45" if stale else "1"}),
        solara.lab.Tabs(value=tab, lazy=True),
    ):
        for view in views.VIEWS:
            with solara.lab.Tab(view.title):
                for table in view.tables:
                    html = views.totals_html(comparison) if table == "totals" else views.yearly_table(comparison)
                    solara.HTML(unsafe_innerHTML=html, classes=[f"table-{table}"])
                for name in view.figures:
                    if name not in views.PAIRED or comparison.label != comparison.reference_label:
                        Figure(comparison, name)
        with solara.lab.Tab("Save, download"):
            SaveAndDownload(comparison)


@solara.component
def SaveAndDownload(comparison: service.Comparison) -> None:
    """Save the levers as a scenario file; download results, manifest and report."""
    name = solara.use_reactive("")
    question = solara.use_reactive(service.default_question(comparison.request))

    def save() -> None:
        try:
            path = service.save_scenario(name.value.strip(), comparison.request, question.value)
        except UsageError as err:
            save_problem.set(str(err))
            saved.set("")
            return
        save_problem.set("")
        saved.set(str(path))

    solara.Markdown(
        "**Save as scenario** writes the lever settings of the run shown as `scenarios/<name>.yaml` "
        "(overrides only, on top of its scenario). The command in the file's comments then gives the same table."
    )
    solara.InputText("Scenario name (lower-case letters, digits, _)", value=name, continuous_update=True)
    solara.InputText("Question it answers", value=question, continuous_update=True)
    solara.Button("Save as scenario", on_click=save, color="primary", disabled=not name.value.strip())
    if save_problem.value:
        solara.Error(save_problem.value, classes=["save-problem"])
    if saved.value:
        stem = Path(saved.value).stem
        command = " ".join(
            [f"python3 run.py scenario={stem} region={comparison.request.region}", *comparison.request.settings]
        )
        solara.Success(f"Saved {saved.value}. The same table: {command}", classes=["saved"])
    solara.Markdown("**Download** the run shown:")
    with solara.Row():
        stem = re.sub(r"[^A-Za-z0-9._=+-]", "_", comparison.label)[:80]
        solara.FileDownload(lambda: service.results_csv(comparison), f"{stem}.results.csv", "Results (CSV)")
        solara.FileDownload(lambda: service.results_parquet(comparison), f"{stem}.results.parquet", "Results (Parquet)")
        solara.FileDownload(lambda: service.manifest_json(comparison), f"{stem}.manifest.json", "Manifest (JSON)")
        solara.FileDownload(lambda: service.report_html(comparison), f"{stem}.report.html", "Report (HTML)")
        solara.FileDownload(lambda: service.archive(comparison), f"{comparison.folder.name}.zip", "Everything (zip)")


def page_text(defaults: dict[str, str]) -> str:
    """Every text the page may show now, for the embedded CJK glyphs."""
    parts = [problem.value, save_problem.value, saved.value, *(q for _, q in service.catalogue())]
    parts += [s.title for s in controls.LEVERS] + [c.label() + c.meaning for c in controls.CONTROLS]
    parts += [v.title for v in views.VIEWS] + list(views.CAPTIONS.values())
    parts += [name + meaning for _, name, _, meaning in views.yearly_rows()]
    shown = comparison_task.latest
    if shown is not None:
        parts += [views.totals_html(shown), shown.label, shown.reference_label]
    return "".join(parts)


@solara.component
def Page() -> None:
    """The dashboard."""
    defaults = solara.use_memo(lambda: defaults_for(region.value, scenario.value), [region.value, scenario.value])
    solara.Title("Rural poverty dynamics · scenario dashboard")
    solara.Style(views.page_css(page_text(defaults)))
    with solara.Sidebar():
        Controls(defaults)
    solara.Markdown(
        "### Exit, return and fallback against a reference\n"
        "Pick a region and a scenario, move the levers, and press **Run comparison**: the scenario runs "
        "against the reference on the same replicates (paired), and every view below shows both with "
        "95% intervals."
    )
    Status()
    shown = comparison_task.latest
    if shown is not None:
        Results(shown)
    elif not comparison_task.pending:
        solara.Info("No comparison yet: press Run comparison (the defaults run the scenario against itself).")

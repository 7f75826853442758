"""The dashboard page (solara): controls in the sidebar, a comparison's views in tabs.

A planner picks a region, the scenario whose levers they move, further scenarios of the catalogue
to compare as they are, and the reference; moves the key levers
(:data:`dashboard.controls.LEVERS`, each with its unit and valid range) and presses *Run
comparison*, which stays at the top of the sidebar.  The comparison runs in a background thread
(:func:`solara.lab.task`) with the replicates done and the time left, so the page never freezes;
replicates already in the result store are read at once; a bad value or a failed run shows its
one-line message.  The results stay on screen, greyed, while the next comparison runs.

The whole setup (region, scenarios, reference, changed controls, language) lives in the page's
address (:func:`to_query`, :func:`from_query`), so a copied link reopens it.  Without one, the page
opens on :data:`OPENING`, the question the catalogue asks most, and runs it at once when every
replicate is in the store.  Every word comes from :mod:`analysis.i18n` in English or Chinese (the
switch at the top of the sidebar).

Built on solara, the library under Mesa's SolaraViz, rather than on SolaraViz itself:
SolaraViz steps one model instance and plots its data collector, while the planner's question
needs replicates of several configurations paired replicate by replicate, read from the store and
summarised with intervals, which is what :mod:`dashboard.service` and :mod:`analysis` do.
"""

from __future__ import annotations

import functools
import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import solara
import solara.lab

from analysis import i18n
from analysis.i18n import say
from dashboard import controls, service, views
from dashboard.controls import UsageError
from sim.text import LANGUAGES

#: Where comparisons are written (set by ``python -m dashboard --out``).
OUT_ENV = "POVERTY_DASHBOARD_OUT"
#: The language the page opens in (``python3 -m dashboard --lang zh``), unless its address names one.
LANG_ENV = "POVERTY_DASHBOARD_LANG"
#: The page starts at 5 replicates, the fewest that give useful intervals (the command line's default is 1).
PAGE_SETTINGS = {"replicates": "5"}
#: What the page opens on: the question the catalogue asks most, whether keeping support and monitoring
#: after 2020 holds off returns (seed 002 "过渡期内严格落实'四个不摘'要求"): support withdrawn at once,
#: phased out, and no monitoring, against the current policy mix.
OPENING = service.Request(
    "henan",
    "withdraw_2021",
    "baseline",
    tuple(f"{key}={value}" for key, value in PAGE_SETTINGS.items()),
    ("phased_2021", "no_monitoring"),
)

region = solara.reactive(OPENING.region)
scenario = solara.reactive(OPENING.scenario)
reference = solara.reactive(OPENING.reference)
others: solara.Reactive[list[str]] = solara.reactive(list(OPENING.others))
values: solara.Reactive[dict[str, str]] = solara.reactive({})


def opening_language() -> str:
    """The language the server was started with (English unless it names one the catalogue has)."""
    chosen = os.environ.get(LANG_ENV, "")
    return chosen if chosen in LANGUAGES else LANGUAGES[0]


lang = solara.reactive(opening_language())
problem = solara.reactive("")  # the one-line message of a bad value
saved = solara.reactive("")
save_problem = solara.reactive("")
tab = solara.reactive(0)
progress_text = solara.reactive("")
address_read = solara.reactive(False)  # the address has set the page's state once


def out_root() -> Path:
    """The folder comparisons are written under."""
    return Path(os.environ.get(OUT_ENV, "outputs/dashboard"))


def one_line(err: BaseException, language: str = LANGUAGES[0]) -> str:
    """The message a planner reads: the command line's line for bad input, else the error's first line."""
    if isinstance(err, UsageError):
        return i18n.message_in(str(err), language)
    text = str(err).strip().splitlines()
    return say("page.failed", language, error=f"{type(err).__name__}: {text[0] if text else ''}")


@solara.lab.task
def comparison_task(request: service.Request) -> service.Comparison:
    """Run a comparison in a background thread, reporting replicates done and the time left."""
    started = time.perf_counter()
    language = lang.value

    def progress(done: int, total: int) -> None:
        comparison_task.progress = 100.0 * done / max(total, 1)
        left = ""
        if 0 < done < total:
            seconds = (time.perf_counter() - started) / done * (total - done)
            left = say("page.left", language, seconds=f"{seconds:.0f}")
        progress_text.set(say("page.running", language, done=done, total=total, left=left))

    comparison_task.progress = 0.0
    progress_text.set(say("page.starting", language))
    return service.compare(request, out_root(), progress)


# --- the page's address ----------------------------------------------------------------------------


def to_query(state: dict) -> str:
    """The address's query string of a setup: region, scenario, others, reference, language, changed values."""
    pairs = [("region", state["region"]), ("scenario", state["scenario"]), ("reference", state["reference"])]
    pairs += [("also", name) for name in state["others"]]
    pairs.append(("lang", state["lang"]))
    pairs += [("set", f"{key}={value}") for key, value in sorted(state["values"].items())]
    return urlencode(pairs)


def from_query(search: str | None) -> dict | None:
    """The setup an address's query string names (None when it names none); unknown keys are ignored."""
    if not search:
        return None
    query = parse_qs(search, keep_blank_values=True)
    if not {"region", "scenario"} & set(query):
        return None
    known = {c.key for c in controls.CONTROLS}
    settings = {}
    for item in query.get("set", []):
        key, _, value = item.partition("=")
        if key in known:
            settings[key] = value
    chosen = query.get("lang", [opening_language()])[-1]
    return {
        "region": query.get("region", [OPENING.region])[-1],
        "scenario": query.get("scenario", [OPENING.scenario])[-1],
        "reference": query.get("reference", [OPENING.reference])[-1],
        "others": [name for name in query.get("also", []) if name],
        "lang": chosen if chosen in LANGUAGES else opening_language(),
        "values": settings,
    }


def current_state() -> dict:
    """The page's setup as :func:`to_query` writes it."""
    return {
        "region": region.value,
        "scenario": scenario.value,
        "reference": reference.value,
        "others": list(others.value),
        "lang": lang.value,
        "values": dict(values.value),
    }


def apply_state(state: dict) -> None:
    """Set the page to a setup read from the address."""
    region.set(state["region"])
    scenario.set(state["scenario"])
    reference.set(state["reference"])
    others.set(state["others"])
    lang.set(state["lang"])
    values.set(state["values"])


# --- controls ------------------------------------------------------------------------------------


def scenario_options(language: str) -> list[str]:
    """Each catalogue scenario as the selects show it: its planner name, then its code name."""
    return [option_of(name, language) for name, _ in service.catalogue(language)]


def option_of(name: str, language: str) -> str:
    """A scenario as the selects show it (``2021年撤出帮扶 · withdraw_2021``)."""
    from app.compose import scenario_title

    title = scenario_title(name)
    return f"{title(language)} · {name}" if title is not None else name


def name_of(option: str) -> str:
    """The scenario an option of the selects names."""
    return option.rpartition(" · ")[2] or option


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
    language = lang.value
    start = {**defaults, **PAGE_SETTINGS}
    value = current.get(control.key, start.get(control.key, ""))
    changed = value.strip() != start.get(control.key, "")
    bad = controls.offending_key(problem.value) == control.key

    def set_value(text: str | None) -> None:
        values.set({**values.value, control.key: (text or "").strip()})
        problem.set("")

    label = control.label(language)
    was = say("page.changed_from", language, value=start.get(control.key, "?")) + " · " if changed else ""
    hint = f"{was}{say('page.allowed', language, allowed=control.allowed_in(language))} · {control.hint(language)}"
    if control.choices:
        solara.Select(label, values=control.choices, value=value, on_value=set_value, dense=True)
    else:
        solara.InputText(label, value=value, on_value=set_value, dense=True, error=bad)
    solara.Text(hint, style={"display": "block", "font-size": "0.72em", "color": "#666", "margin-bottom": "12px"})


def _settings_keys() -> set[str]:
    return {c.key for c in controls.RUN_SETTINGS.controls}


def chosen_overrides(defaults: dict[str, str]) -> list[str]:
    """The overrides the page's values make (the page's own starting settings included)."""
    return controls.overrides({**PAGE_SETTINGS, **values.value}, defaults)


def request_of(defaults: dict[str, str]) -> service.Request:
    """The comparison the page's setup asks for."""
    also = tuple(name for name in others.value if name not in (scenario.value, reference.value))
    return service.Request(region.value, scenario.value, reference.value, tuple(chosen_overrides(defaults)), also)


def run(defaults: dict[str, str]) -> None:
    """Validate the settings (one line if bad), then start the comparison in the background."""
    request = request_of(defaults)
    try:
        service.configurations(request)
        service.other_configurations(request)
    except UsageError as err:
        problem.set(str(err))
        return
    problem.set("")
    saved.set("")
    comparison_task(request)


@solara.component
def RunBar(defaults: dict[str, str]) -> None:
    """The run and reset buttons, kept at the top of the sidebar so they are always in view."""
    language = lang.value
    with solara.Row(classes=["run-bar"]):
        solara.Button(
            say("page.run", language),
            color="primary",
            on_click=lambda: run(defaults),
            disabled=comparison_task.pending or not defaults,
        )
        solara.Button(say("page.reset", language), on_click=lambda: (values.set({}), problem.set("")), text=True)
    if problem.value:
        solara.Error(i18n.message_in(problem.value, language), classes=["problem"])


@solara.component
def Controls(defaults: dict[str, str]) -> None:
    """Language, region, scenarios, reference, the run bar, levers and run settings."""
    language = lang.value
    questions = dict(service.catalogue(language))
    names = list(questions)

    def keep_settings() -> None:
        values.set({k: v for k, v in values.value.items() if k in _settings_keys()})  # levers follow the scenario
        problem.set("")

    def choose_region(name: str) -> None:
        region.set(name)
        keep_settings()

    def choose_scenario(name: str) -> None:
        scenario.set(name)
        keep_settings()

    solara.ToggleButtonsSingle(value=lang.value, values=list(LANGUAGES), on_value=lang.set, classes=["language"])
    RunBar(defaults)
    options = scenario_options(language)
    solara.Select(say("page.region", language), values=service.regions(), value=region.value, on_value=choose_region)
    solara.Select(
        say("page.scenario", language),
        values=options,
        value=option_of(scenario.value, language),
        on_value=lambda option: choose_scenario(name_of(option)),
    )
    solara.Text(questions.get(scenario.value, ""), style={"font-size": "0.8em", "color": "#444"})
    solara.SelectMultiple(
        say("page.others", language),
        values=[option_of(name, language) for name in others.value if name in names],
        all_values=options,
        on_value=lambda chosen: others.set([name_of(option) for option in chosen]),
        dense=True,
    )
    solara.Select(
        say("page.reference", language),
        values=options,
        value=option_of(reference.value, language),
        on_value=lambda option: reference.set(name_of(option)),
    )
    current = {**defaults, **PAGE_SETTINGS, **values.value}
    for section in (*controls.LEVERS, controls.RUN_SETTINGS):
        with solara.Details(section.title(language), expand=section is controls.RUN_SETTINGS):
            for control in section.controls:
                Control(control, current, defaults)


@solara.component
def Status() -> None:
    """Progress while a comparison runs; its error if it failed; where the shown numbers come from."""
    language = lang.value
    if comparison_task.pending:
        progress = comparison_task.progress
        solara.ProgressLinear(progress if progress else True)
        solara.Text(progress_text.value or say("page.starting", language), classes=["running"])
    elif comparison_task.error:
        solara.Error(one_line(comparison_task.exception, language), classes=["problem"])
    shown = comparison_task.latest
    if shown is not None:
        record = service.record(shown)
        analysis = shown.analysis
        labels = ", ".join(analysis.label_name(label, language) for label in shown.labels[:-1] or shown.labels)
        solara.Text(
            say(
                "page.shown",
                language,
                labels=labels,
                reference=analysis.label_name(shown.reference_label, language),
                simulated=record["replicates simulated"],
                reused=record["replicates read from the store"],
                seconds=record["seconds"],
                folder=record["folder"],
            ),
            style={"font-size": "0.8em", "color": "#555"},
            classes=["shown"],
        )
        for warning in analysis.warnings:
            solara.Warning(i18n.in_language(warning, language), dense=True)
        for comparison in analysis.comparisons.values():
            for year, what in comparison.shock_years.items():
                solara.Info(say("page.shock", language, year=year, what=what), dense=True, classes=["shock-year"])


@solara.component
def Figure(comparison: service.Comparison, name: str) -> None:
    """A report figure with its caption."""
    language = lang.value
    png = views.figure_png(comparison, name, language)
    if png is None:
        solara.Info(say("page.no_figure", language, name=name))
        return
    solara.Image(png, width="100%")
    solara.Text(views.CAPTIONS[name](language), style={"font-size": "0.85em", "color": "#444"})


@solara.component
def Results(comparison: service.Comparison) -> None:
    """The views of a comparison, one tab each, then saving and downloads."""
    language = lang.value
    stale = comparison_task.pending
    with (
        solara.Column(classes=["results"], style={"opacity": "0.45" if stale else "1"}),
        solara.lab.Tabs(value=tab, lazy=True),
    ):
        for view in views.VIEWS:
            with solara.lab.Tab(view.title(language)):
                for table in view.tables:
                    if table == "totals":
                        html = views.totals_html(comparison, language)
                    else:
                        html = views.yearly_table(comparison, language)
                    solara.HTML(unsafe_innerHTML=html, classes=[f"table-{table}"])
                for name in view.figures:
                    if name not in views.PAIRED or len(comparison.labels) > 1:
                        Figure(comparison, name)
        with solara.lab.Tab(say("page.save_tab", language)):
            SaveAndDownload(comparison)


@solara.component
def SaveAndDownload(comparison: service.Comparison) -> None:
    """Save the levers as a scenario file; download results, manifest and report."""
    language = lang.value
    name = solara.use_reactive("")
    question = solara.use_reactive(service.default_question(comparison.request, language))

    def save() -> None:
        try:
            path = service.save_scenario(name.value.strip(), comparison.request, question.value, lang=language)
        except UsageError as err:
            save_problem.set(str(err))
            saved.set("")
            return
        save_problem.set("")
        saved.set(str(path))

    solara.Markdown(say("page.save_help", language))
    solara.InputText(say("page.save_name", language), value=name, continuous_update=True)
    solara.InputText(say("page.save_question", language), value=question, continuous_update=True)
    solara.Button(say("page.save", language), on_click=save, color="primary", disabled=not name.value.strip())
    if save_problem.value:
        solara.Error(i18n.message_in(save_problem.value, language), classes=["save-problem"])
    if saved.value:
        stem = Path(saved.value).stem
        command = " ".join(
            [f"python3 run.py scenario={stem} region={comparison.request.region}", *comparison.request.settings]
        )
        solara.Success(say("page.saved", language, path=saved.value, command=command), classes=["saved"])
    solara.Markdown(say("page.download", language))
    with solara.Row():
        stem = re.sub(r"[^A-Za-z0-9._=+-]", "_", comparison.label)[:80]
        solara.FileDownload(
            lambda: service.results_csv(comparison), f"{stem}.results.csv", say("page.results_csv", language)
        )
        solara.FileDownload(
            lambda: service.results_parquet(comparison),
            f"{stem}.results.parquet",
            say("page.results_parquet", language),
        )
        solara.FileDownload(
            lambda: service.manifest_json(comparison), f"{stem}.manifest.json", say("page.manifest", language)
        )
        report_name = f"{stem}.report{'' if language == LANGUAGES[0] else '_' + language}.html"
        solara.FileDownload(
            lambda: service.report_html(comparison, language), report_name, say("page.report", language)
        )
        solara.FileDownload(
            lambda: service.archive(comparison), f"{comparison.folder.name}.zip", say("page.everything", language)
        )


def own_words(language: str) -> str:
    """The page's own words in ``language``: the catalogue, controls, views and phrases (whatever is shown)."""
    parts = [q for _, q in service.catalogue(language)]
    parts += [s.title(language) for s in (*controls.LEVERS, controls.RUN_SETTINGS)]
    parts += [c.label(language) + c.hint(language) + c.allowed_in(language) for c in controls.CONTROLS]
    parts += [v.title(language) for v in views.VIEWS] + [caption(language) for caption in views.CAPTIONS.values()]
    parts += [name + meaning for _, name, _, meaning in views.yearly_rows(language)]
    parts += [say(key, language) for key in i18n.PHRASES if key.startswith(("page.", "verdict.", "per."))]
    return "".join(parts + scenario_options(language))


@functools.cache
def vocabulary() -> str:
    """Every word the page can say of its own, in every language, and every phrase of the catalogue in Chinese.

    The page embeds the glyphs of this vocabulary however little of it is on screen, so its font
    is subset once for the life of the server, not again for each new character a message or a
    comparison brings (about half a second each); a character beyond it is added when it appears.
    """
    return "".join(own_words(language) for language in LANGUAGES) + "".join(say(key, "zh") for key in i18n.PHRASES)


def page_text() -> str:
    """Every text the page may show now, for the embedded CJK glyphs."""
    language = lang.value
    parts = [i18n.message_in(problem.value, language), i18n.message_in(save_problem.value, language)]
    parts += [saved.value, progress_text.value, own_words(language)]
    shown = comparison_task.latest
    if shown is not None:
        parts += [views.totals_html(shown, language), *(shown.analysis.label_name(x, language) for x in shown.labels)]
        parts += [i18n.in_language(w, language) for w in shown.analysis.warnings]
    return "".join(parts)


@solara.component
def Page() -> None:
    """The dashboard."""
    router = solara.use_router()

    def read_address() -> None:
        if address_read.value:
            return
        address_read.set(True)
        state = from_query(router.search)
        if state is not None:
            apply_state(state)
            return
        try:  # no setup in the address: the opening question, at once when the store holds it
            if service.stored(OPENING):
                comparison_task(OPENING)
        except UsageError:
            pass

    solara.use_effect(read_address, [])
    query = to_query(current_state())

    def write_address() -> None:
        if address_read.value and (router.search or "") != query:
            router.push(f"{router.path or '/'}?{query}")

    solara.use_effect(write_address, [query, address_read.value])
    language = lang.value
    defaults = solara.use_memo(lambda: defaults_for(region.value, scenario.value), [region.value, scenario.value])
    solara.Title(say("page.title", language))
    solara.Style(views.page_css(page_text(), vocabulary()))
    with solara.Sidebar():
        Controls(defaults)
    solara.Markdown(say("page.intro", language))
    Status()
    shown = comparison_task.latest
    if shown is not None:
        Results(shown)
    elif not comparison_task.pending:
        solara.Info(say("page.nothing_yet", language), classes=["nothing-yet"])

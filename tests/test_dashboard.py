"""The planner's dashboard: controls from the parameter metadata, comparisons, saved scenarios, the server.

The end-to-end test drives the page in headless Chromium (Debian's ``chromium``, driven by
Playwright's Python client; ``.ci/run`` installs it) and skips, saying so, where the browser is
missing.  Its screenshots go to ``test-artifacts/`` (not committed).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from app.compose import SCENARIO_DIR, UsageError, group_options
from app.identity import config_hash
from app.rundir import is_finished
from dashboard import controls, service, views
from dashboard.server import ArgumentError, is_loopback, parse
from tests import forked

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("POVERTY_TEST_ARTIFACTS", ROOT / "test-artifacts"))
SMALL = ("population.scale=400", "replicates=2")


# --- controls -----------------------------------------------------------------------------------


def test_every_control_names_a_declared_parameter_or_config_group():
    for control in controls.CONTROLS:
        if control.is_group:
            assert set(control.choices) == set(group_options(control.key)) and len(control.choices) >= 2
        else:
            assert control.parameter.key == control.key
            assert control.parameter.spec is not None or control.choices, control.key


def test_units_and_ranges_come_from_the_parameter_declarations():
    by_key = {c.key: c for c in controls.CONTROLS}
    grace = by_key["policy.dibao.grace_years"]
    assert grace.unit == "years" and grace.allowed.startswith("a whole number in [0, 10]")
    assert "渐退期" in grace.meaning("en")
    assert by_key["policy.public_posts.capacity"].label() == "Post capacity (posts)"
    assert by_key["policy.dibao.standard_mode"].choices == ["absolute", "relative"]
    assert by_key["policy/transition"].choices == ["keep", "none", "phased", "withdraw"]
    assert "by year" not in by_key["region.medical.basic_ratio_poor"].allowed  # only levers take schedules


@pytest.mark.parametrize(
    "scenario", ["baseline", "posts_cut_2023", "relocation_max", "withdraw_2021", "flood_2021", "migrant_shock_2020"]
)
def test_shown_values_give_back_the_scenario_exactly(scenario):
    """Every control's text, sent back as an override, composes the very same configuration."""
    shown = controls.current_values("henan", scenario)
    assert controls.overrides(shown, shown) == []
    plain = controls.configure("henan", scenario, [])
    every = [f"{key}={text}" for key, text in shown.items() if "/" not in key]
    assert config_hash(controls.configure("henan", scenario, every)) == config_hash(plain)


def test_every_control_view_and_section_reads_in_both_languages():
    for control in controls.CONTROLS:
        assert not control.title.missing() and control.meaning("zh").strip(), control.key
        assert re.search(r"[\u4e00-\u9fff]", control.label("zh") + control.hint("zh")), control.key
    for section in (*controls.LEVERS, controls.RUN_SETTINGS):
        assert not section.title.missing()
    assert all(not view.title.missing() for view in views.VIEWS)
    assert controls.CONTROLS[2].allowed_in("zh") == "[0, 10]之间的整数"  # policy.dibao.grace_years


@pytest.mark.fast  # the fast tier's one test of the page module (importing solara takes a second)
def test_the_page_address_holds_the_whole_setup_and_reads_back_the_same():
    from dashboard import page

    state = {
        "region": "luoyang",
        "scenario": "jobs_push",
        "reference": "no_monitoring",
        "others": ["phased_2021", "withdraw_2021"],
        "lang": "zh",
        "values": {"policy.monitoring.threshold_ratio": "2", "replicates": "3", "policy/transition": "phased"},
    }
    query = page.to_query(state)
    assert page.from_query(query) == state
    assert page.from_query("") is None and page.from_query("utm=x") is None
    # unknown keys in an address are ignored rather than sent as overrides; a bad language falls back
    odd = page.from_query("region=henan&scenario=baseline&set=rm%20-rf=1&lang=fr")
    assert odd["values"] == {} and odd["lang"] == "en"


def test_only_changed_controls_become_overrides_in_page_order():
    shown = controls.current_values("henan", "baseline")
    changed = {**shown, "seed": "3", "policy/transition": "phased", "policy.dibao.grace_years": " 2 "}
    assert controls.overrides(changed, shown) == ["policy.dibao.grace_years=2", "policy/transition=phased", "seed=3"]
    assert controls.lever_overrides(controls.overrides(changed, shown)) == [
        "policy.dibao.grace_years=2",
        "policy/transition=phased",
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("policy.dibao.grace_years=11", "policy.dibao.grace_years: got 11; allowed: a whole number in [0, 10]"),
        ("policy.monitoring.threshold_ratio=abc", "policy.monitoring.threshold_ratio: got 'abc'"),
        ("policy/transition=sometimes", "policy/transition: unknown option 'sometimes'; allowed: keep, none"),
        ("population.scale=-1", "population.scale: got -1.0; allowed: a number in [0.01, 1e+06]"),
    ],
)
def test_a_bad_value_gets_the_command_lines_one_line_message_naming_its_control(override, message):
    with pytest.raises(UsageError) as caught:
        controls.configure("henan", "baseline", [override])
    text = str(caught.value)
    assert text.startswith(message) and "\n" not in text and "Traceback" not in text
    assert controls.offending_key(text) == override.partition("=")[0]


# --- comparisons --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("dashboard")
    request = service.Request("henan", "baseline", "baseline", ("policy.monitoring.threshold_ratio=2", *SMALL))
    return service.compare(request, out)


def test_several_scenarios_against_one_reference_and_the_store_knows_when_they_are_ready(tmp_path):
    request = service.Request("henan", "withdraw_2021", "baseline", SMALL, ("no_monitoring", "withdraw_2021"))
    assert not service.stored(dataclasses.replace(request, chosen=(*SMALL, "seed=987654")))
    done = service.compare(request, tmp_path)
    assert done.labels == [
        "withdraw_2021+population.scale=400",
        "no_monitoring+population.scale=400",
        "baseline+population.scale=400",
    ]
    assert service.stored(request)
    table = service.results_table(done)
    assert list(dict.fromkeys(table["label"])) == done.labels
    totals = done.analysis.totals
    assert set(totals.loc[totals["quantity"] == "true_poor_years_run", "label"]) == set(done.labels)


def test_a_comparison_writes_two_finished_run_folders_and_pairs_them(comparison):
    assert comparison.label == "baseline+monitoring.threshold_ratio=2+population.scale=400"
    assert comparison.reference_label == "baseline+population.scale=400"
    for reference in (False, True):
        folder = comparison.run_folder(reference)
        assert is_finished(folder) and (folder / "events.parquet").is_file()
    manifest = json.loads((comparison.run_folder() / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == [
        "run.py",
        "region=henan",
        "scenario=baseline",
        "policy.monitoring.threshold_ratio=2",
        *SMALL,
    ]
    summary = comparison.analysis.summary
    monitored = summary[(summary["metric"] == "monitored") & (summary["year"] == 2023)].set_index("label")
    assert monitored.loc[comparison.label, "mean"] > monitored.loc[comparison.reference_label, "mean"]
    assert monitored.loc[comparison.reference_label, "diff"] == 0.0


def test_the_same_comparison_again_comes_back_at_once(comparison, tmp_path):
    again = service.compare(comparison.request, tmp_path)
    assert again is comparison and not any(tmp_path.iterdir())


def test_a_new_folder_reads_the_replicates_from_the_store(comparison, tmp_path, monkeypatch):
    monkeypatch.setattr(service, "_CACHE", {})
    again = service.compare(comparison.request, tmp_path)
    assert again.simulated == 0 and again.reused == 4
    assert (again.run_folder() / "results.csv").read_bytes() == (comparison.run_folder() / "results.csv").read_bytes()


def test_a_failed_comparison_removes_what_it_wrote_and_nothing_else(tmp_path, monkeypatch):
    (tmp_path / "mine.txt").write_text("kept")
    calls = []

    def failing(config, **kwargs):
        calls.append(config.label)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(config, **kwargs)

    real = service.runner.run
    monkeypatch.setattr(service.runner, "run", failing)
    monkeypatch.setattr(service, "_CACHE", {})
    request = service.Request("henan", "no_monitoring", "baseline", SMALL)
    with pytest.raises(RuntimeError, match="disk full"):
        service.compare(request, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_downloads_hold_results_manifest_and_report(comparison):
    table = pd.read_csv(io.BytesIO(service.results_csv(comparison)))
    assert set(table["label"]) == {comparison.label, comparison.reference_label}
    parquet = pd.read_parquet(io.BytesIO(service.results_parquet(comparison)))
    assert parquet["value"].tolist() == table["value"].tolist()
    assert b'"config_hash"' in service.manifest_json(comparison)
    report = service.report_html(comparison).decode()
    assert "<html" in report and "http" not in report.replace("http-equiv", "")
    names = zipfile.ZipFile(io.BytesIO(service.archive(comparison))).namelist()
    assert any(n.endswith("report.html") for n in names) and any(n.endswith("results.parquet") for n in names)


# --- saved scenarios ----------------------------------------------------------------------------


@pytest.fixture
def scenario_name():
    name = f"test_saved_{uuid.uuid4().hex[:8]}"
    yield name
    (SCENARIO_DIR / f"{name}.yaml").unlink(missing_ok=True)


def test_a_saved_scenario_is_override_only_and_keeps_its_base(scenario_name):
    request = service.Request(
        "henan",
        "posts_cut_2023",
        "baseline",
        ("policy/transition=phased", "policy.dibao.grace_years=2", *SMALL),
    )
    path = service.save_scenario(scenario_name, request, "what if the taper is longer?")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        f"# @package _global_\n# Title: Saved: {scenario_name} | 保存的方案：{scenario_name}\n"
        "# 问题：如果以 posts_cut_2023 为起点，policy/transition=phased, policy.dibao.grace_years=2，结果会怎样？\n"
        "# Question: what if the taper is longer?\n"
    )
    assert "${scaled_from:henan,75000}" in text and "override /policy/transition: phased" in text
    assert "replicates" not in text.split("\n", 6)[-1]  # run settings stay out of the scenario
    saved = controls.configure("henan", scenario_name, list(SMALL))
    made = controls.configure("henan", "posts_cut_2023", list(request.chosen))
    assert saved.policy == made.policy and saved.region == made.region


def test_a_saved_scenario_keeps_pinned_shocks(scenario_name):
    pinned = "dynamics.shocks.disaster.pinned=[{year: 2022, counties: 0, county_ids: [3, 7]}]"
    request = service.Request("henan", "migrant_shock_2020", "baseline", (pinned, *SMALL))
    service.save_scenario(scenario_name, request, "what if a flood follows the epidemic year?")
    saved = controls.configure("henan", scenario_name, list(SMALL))
    made = controls.configure("henan", "migrant_shock_2020", [pinned, *SMALL])
    assert saved.dynamics == made.dynamics and saved.dynamics.shocks.labour_market.pinned_years == [2020]
    assert saved.dynamics.shocks.disaster.pinned[0].county_ids == [3, 7]


def test_saving_never_overwrites_and_names_are_checked(scenario_name):
    request = service.Request("henan", "baseline", "baseline", ("policy.dibao.grace_years=2",))
    service.save_scenario(scenario_name, request, "延长渐退期会怎样？", lang="zh")
    before = (SCENARIO_DIR / f"{scenario_name}.yaml").read_bytes()
    assert before.decode().split("\n")[2:4] == [
        "# 问题：延长渐退期会怎样？",
        "# Question: what if, starting from baseline, policy.dibao.grace_years=2?",
    ]
    assert service.catalogue("zh") and dict(service.catalogue("zh"))[scenario_name] == "延长渐退期会怎样？"
    with pytest.raises(UsageError, match="exists; allowed: a new name"):
        service.save_scenario(scenario_name, request, "other")
    assert (SCENARIO_DIR / f"{scenario_name}.yaml").read_bytes() == before
    for bad in ("Baseline", "../x", "", "a b"):
        with pytest.raises(UsageError, match=r"^scenario name: got"):
            service.save_scenario(bad, request, "")


# --- the server ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "99999"], "--port: got '99999'; allowed: a whole number in [1, 65535]"),
        (["--port", "x"], "--port: got 'x'"),
        (["--host", "no.such.host.invalid"], "--host: got 'no.such.host.invalid'"),
        (["--colour", "red"], "unrecognized arguments: --colour red; allowed: --host"),
        (["--lang", "fr"], "--lang: got 'fr'; allowed: en, zh"),
    ],
)
def test_bad_arguments_are_one_line(argv, message):
    with pytest.raises(ArgumentError) as caught:
        parse(argv)
    assert str(caught.value).startswith(message)


def test_the_server_speaks_the_language_it_is_started_in(capsys):
    from dashboard.server import main

    assert main(["--port", "99999", "--lang", "zh"]) == 2
    assert capsys.readouterr().err.strip() == "错误：--port：收到 '99999'；可用：[1, 65535] 之间的整数"
    assert main(["--colour", "red", "--lang", "zh"]) == 2
    assert capsys.readouterr().err.startswith("错误：无法识别的参数：--colour red；可用：--host 地址")


def test_only_loopback_counts_as_this_machine_only():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_a_bad_argument_exits_2_with_one_line_and_writes_nothing(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "--port", "0x1", "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: --port: got '0x1'") and not (tmp_path / "out").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The dashboard in a subprocess, on a free port."""

    def __init__(self, out: Path, *args: str) -> None:
        """Start it and wait until it answers."""
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "--port", str(self.port), "--out", str(out), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the dashboard stopped: {self.process.stderr.read()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("the dashboard did not answer within 120 s")

    def stop(self) -> tuple[str, str]:
        """Stop it; return what it printed (stdout, stderr)."""
        self.process.terminate()
        try:
            return self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.communicate()


def listening_addresses(pid: int) -> set[str]:
    import psutil

    found = set()
    for process in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]:
        found |= {c.laddr.ip for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    return found


def test_the_server_binds_127_0_0_1_unless_told_otherwise(tmp_path):
    server = Server(tmp_path / "out")
    try:
        assert listening_addresses(server.process.pid) == {"127.0.0.1"}
    finally:
        out, err = server.stop()
    assert "warning" not in err and f"http://127.0.0.1:{server.port}/" in out
    wide = Server(tmp_path / "out", "--host", "0.0.0.0")
    try:
        assert listening_addresses(wide.process.pid) == {"0.0.0.0"}
    finally:
        _, err = wide.stop()
    assert "warning: --host 0.0.0.0: the dashboard is reachable from other machines" in err


def test_the_page_has_no_asset_from_elsewhere_and_no_telemetry(tmp_path):
    """Every script, style sheet and font the page names is served by this server."""
    server = Server(tmp_path / "out")
    try:
        with urllib.request.urlopen(server.url, timeout=10) as response:
            page = response.read().decode()
    finally:
        server.stop()
    # What the browser loads by itself (scripts, style sheets, icons, images, CSS urls), not links to click.
    tags = re.findall(r"""<(?:script|link|img|source|iframe)\b[^>]*?(?:src|href)=["']([^"']+)["']""", page)
    css = re.findall(r"""url\(["']?([^"')]+)""", page)
    addresses = [*tags, *css]
    assert tags and all(not a.startswith(("http:", "https:", "//")) for a in addresses), addresses
    assert "fonts.googleapis" not in page and "cdn.jsdelivr" not in page
    from dashboard.server import SOLARA_ENVIRONMENT

    assert SOLARA_ENVIRONMENT["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


# --- end to end in a real browser -----------------------------------------------------------------


def chromium() -> str | None:
    """Debian's Chromium, if installed."""
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


CJK = re.compile(r"[\u2e80-\U0010ffff]")


def cjk_not_drawn_by_the_embedded_font(page) -> list[str]:
    """Text on ``page`` whose Chinese characters Chromium drew with another font (empty boxes here).

    Chromium's DevTools protocol tells, for each element, how many glyphs each font drew; every
    Chinese character must be one glyph of the embedded face (a custom font).
    """
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    wrong: list[str] = []

    def walk(node: dict, visible: bool) -> None:
        visible = visible and node.get("nodeName") not in ("HEAD", "SCRIPT", "STYLE", "TITLE")
        for child in node.get("children") or []:
            text = child.get("nodeValue", "") if child["nodeType"] == 3 else ""
            wanted = len(CJK.findall(text)) if visible else 0
            if wanted:
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
                # no font at all: not drawn (hidden, as the title solara keeps in the page)
                if fonts and sum(f["glyphCount"] for f in fonts if f["isCustomFont"]) < wanted:
                    wrong.append(text.strip()[:40])
            walk(child, visible)

    walk(cdp.send("DOM.getDocument", {"depth": -1})["root"], True)
    cdp.detach()
    return wrong


def test_every_chinese_character_of_the_report_is_drawn_with_the_embedded_font(comparison, tmp_path):
    """On a machine without a CJK font, no heading or cell of the Chinese report shows empty boxes."""
    browser_path = chromium()
    if browser_path is None:
        pytest.skip("no Chromium on this machine: install Debian's chromium package (.ci/run does) to run this test")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report_zh.html"
    page_file.write_bytes(service.report_html(comparison, "zh"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1250, "height": 1500})
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # the manifests too
        assert "情景" in page.locator("h1").inner_text()
        assert cjk_not_drawn_by_the_embedded_font(page) == []
        browser.close()


def yearly_value(page, label: str, metric: str, year: int) -> float:
    """The displayed mean of ``metric`` in ``year`` for ``label`` in the yearly table."""
    show_tab(page, "Yearly table")
    cell = page.locator(f"td[data-metric='{metric}'][data-year='{year}'][data-label='{label}'] .value")
    cell.wait_for(timeout=60_000)
    return float(cell.inner_text().replace(",", ""))


def show_tab(page, name: str) -> None:
    """Switch tab (a click event, wherever the tab bar has scrolled it)."""
    page.get_by_role("tab", name=name).dispatch_event("click")


def set_text(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")


def wait_for_address(page, pattern: str, seconds: float = 30) -> None:
    """Wait until the page's address (changed by the page itself, without loading) matches ``pattern``."""
    deadline = time.monotonic() + seconds
    while not re.search(pattern, page.url):
        assert time.monotonic() < deadline, f"the address {page.url} never matched {pattern}"
        page.wait_for_timeout(200)


def run_and_wait(page, expected_label: str, run: str = "Run comparison", yearly: str = "Yearly table") -> None:
    """Press run and wait until the yearly table shows ``expected_label``."""
    page.get_by_role("button", name=run).click()
    page.locator(".running").wait_for(state="detached", timeout=300_000)
    page.locator(".shown").wait_for(timeout=300_000)
    page.get_by_role("tab", name=yearly).dispatch_event("click")
    page.locator(f"td[data-label='{expected_label}']").first.wait_for(state="attached", timeout=300_000)


def test_the_page_end_to_end_in_headless_chromium(tmp_path):
    """The page from opening to the command line, as a planner uses it.

    Open on the opening question, run several scenarios, move a lever and see the figure move, reopen the
    setup from its address, read it in Chinese, save, and reproduce the table on the command line.
    """
    browser_path = chromium()
    if browser_path is None:
        pytest.skip("no Chromium on this machine: install Debian's chromium package (.ci/run does) to run this test")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"e2e_{uuid.uuid4().hex[:8]}"
    server = Server(tmp_path / "out")
    requested: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_path, args=BROWSER_FLAGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.on("request", lambda r: requested.append(r.url))
            page.goto(server.url)
            page.get_by_role("button", name="Run comparison").wait_for(timeout=120_000)
            # The page opens on the catalogue's most asked question; the address follows every change.
            assert page.locator(".nothing-yet").is_visible()
            set_text(page, "Real households per simulated household", "400")
            set_text(page, "Replicates", "2")
            wait_for_address(page, r"scenario=withdraw_2021.*also=phased_2021.*also=no_monitoring.*scale%3D400")
            first = "withdraw_2021+population.scale=400"
            run_and_wait(page, first)
            shown = page.locator(".shown").inner_text()
            assert "Support withdrawn in 2021" in shown and "No monitoring" in shown and "Current policy mix" in shown
            page.screenshot(path=str(ARTIFACTS / "dashboard_default.png"), full_page=True)
            before = yearly_value(page, first, "monitored", 2023)

            # A bad value: the one-line message of the command line, no traceback, nothing run.
            page.get_by_text("Monitoring (防止返贫监测)").click()
            set_text(page, "Discovery lag (years)", "11")
            wait_for_address(page, r"lag_years%3D11")  # the page has the value before Run is pressed
            page.get_by_role("button", name="Run comparison").click()
            problem = page.locator(".problem")
            problem.wait_for(timeout=60_000)
            assert (
                problem.inner_text()
                .strip()
                .startswith("policy.monitoring.lag_years: got 11; allowed: a whole number in [0, 10]")
            )
            assert "Traceback" not in page.locator("body").inner_text()
            set_text(page, "Discovery lag (years)", "0")

            # A higher monitoring threshold flags more households: monitored persons rise.
            set_text(page, "Monitoring threshold (x poverty line)", "2")
            wait_for_address(page, r"^(?!.*lag_years%3D11).*threshold_ratio%3D2")
            label = "withdraw_2021+monitoring.threshold_ratio=2+population.scale=400"
            run_and_wait(page, label)
            after = yearly_value(page, label, "monitored", 2023)
            assert after > before
            show_tab(page, "Curves")
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "dashboard_changed.png"), full_page=True)

            # The address holds the setup: a new page opened on it shows the same settings.
            address = page.url
            assert "set=policy.monitoring.threshold_ratio%3D2" in address and "set=replicates%3D2" in address
            again = browser.new_page(viewport={"width": 1500, "height": 1100})
            again.goto(address)
            again.get_by_role("button", name="Run comparison").wait_for(timeout=120_000)
            again.get_by_text("Monitoring (防止返贫监测)").click()
            assert again.get_by_label("Monitoring threshold (x poverty line)", exact=True).input_value() == "2"
            assert again.get_by_label("Replicates", exact=True).input_value() == "2"
            assert "No monitoring · no_monitoring" in again.locator("body").inner_text()

            # The Chinese page: every word from the catalogue, the address keeps the language.
            again.get_by_role("button", name="zh").click()
            again.get_by_role("button", name="运行比较").wait_for(timeout=60_000)
            wait_for_address(again, r"lang=zh")
            run_and_wait(again, label, "运行比较", "逐年表")
            body = again.locator("body").inner_text()
            assert "逐年表" in body and "Run comparison" not in body and "Yearly table" not in body
            assert cjk_not_drawn_by_the_embedded_font(again) == []
            again.screenshot(path=str(ARTIFACTS / "dashboard_zh.png"), full_page=True)
            # A bad value on the Chinese page gets the command line's line, in Chinese.
            set_text(again, "发现滞后 (年)", "11")
            wait_for_address(again, r"lag_years%3D11")
            again.get_by_role("button", name="运行比较").click()
            again.locator(".problem").wait_for(timeout=60_000)
            said = again.locator(".problem").inner_text().strip()
            assert said.startswith("policy.monitoring.lag_years：收到 11；可用：[0, 10] 之间的整数"), said
            again.close()

            # Save as scenario, then the command line gives the same table.
            show_tab(page, "Save, download")
            page.get_by_label("Scenario name (lower-case letters, digits, _)").fill(name)
            page.get_by_role("button", name="Save as scenario").click()
            page.locator(".saved").wait_for(timeout=60_000)
            with page.expect_download() as download:
                page.get_by_role("button", name="Results (CSV)").click()
            downloaded = pd.read_csv(download.value.path())
            browser.close()
    finally:
        server.stop()
    saved = SCENARIO_DIR / f"{name}.yaml"
    try:
        assert saved.is_file() and "threshold_ratio: 2" in saved.read_text(encoding="utf-8")
        cli = tmp_path / "cli"
        done = forked.run([f"scenario={name}", "region=henan", *SMALL, f"hydra.run.dir={cli}"])
        assert done.returncode == 0, done.stderr
    finally:
        saved.unlink(missing_ok=True)
    assert {label, "baseline+population.scale=400", "no_monitoring+population.scale=400"} <= set(downloaded["label"])
    keys = ["replicate", "year", "metric", "value"]
    ours = downloaded[downloaded["label"] == label][keys].reset_index(drop=True)
    theirs = pd.read_csv(cli / "results.csv")[keys]
    pd.testing.assert_frame_equal(ours, theirs)
    elsewhere = [u for u in requested if not u.startswith((server.url, "blob:", "data:"))]
    assert requested and not elsewhere, elsewhere

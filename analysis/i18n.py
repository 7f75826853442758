"""The catalogue of what a planner reads, in English and Chinese, and the units each language counts in.

Every phrase of the report, the figures, the dashboard and the command line's printed tables and
``--describe`` comes from here: :data:`PHRASES` (keyed phrases with ``{placeholders}``), the
planner names declared beside each lever and metric (:class:`sim.steps.Lever`,
:class:`sim.metrics.Metric`), each quantity of :data:`analysis.tables.QUANTITIES`, each scenario's
``# Title:`` line and each region's ``label`` / ``label_zh``.  :func:`missing` lists any phrase that
lacks a language (a test keeps it empty).

Units follow the reader's habit: in English persons are written in full (``12,345``) and money in
billion yuan; in Chinese persons in 万人 (10^4) and money in 亿元 (10^8), as Chinese plans and
statistical bulletins write them (seed 000 "221.4万农村贫困人口").
"""

from __future__ import annotations

import math
import re

from sim.text import LANGUAGES, Text

DEFAULT = LANGUAGES[0]

#: Every keyed phrase.  Placeholders in braces are filled by :func:`say`.
PHRASES: dict[str, Text] = {
    # --- the report -------------------------------------------------------------------------------
    "report.title": Text("Scenario comparison: {regions}", "情景比较：{regions}"),
    "report.question": Text(
        "Which policy mix keeps the fewest people truly poor and returning to poverty, what does it cost, "
        "and how sure are we?",
        "哪种政策组合让实际贫困和返贫的人最少？花费多少？结论有多确定？",
    ),
    "report.question_lead": Text("The question.", "要回答的问题："),
    "report.read_from": Text("Runs read from: {inputs}.", "读取的运行：{inputs}。"),
    "report.warnings": Text("Warnings", "警告"),
    "report.scenarios": Text("Scenarios", "情景"),
    "report.answer": Text("{region}: the answer", "{region}：结论"),
    "report.figures": Text("{region}: figures", "{region}：图表"),
    "report.method": Text("How the numbers were made", "数字如何得出"),
    "report.runs": Text("Runs behind this report", "本报告依据的运行"),
    "report.no_reference": Text("(none)", "（无）"),
    "report.reading": Text(
        "Reference: {reference}. Transition period {transition}; whole run {run}. Each cell: the mean over "
        "replicates, its 95% interval in brackets, and (Δ) the paired difference to the reference with its "
        "interval, green when better and red when worse with 95% confidence. Every column names its period.",
        "参照情景：{reference}。过渡期 {transition}；全程 {run}。每格：各重复运行的均值、方括号内为95%区间；"
        "Δ为与参照情景逐次配对的差值及其区间，95%置信地更好为绿色、更差为红色。每列标明所指时期。",
    ),
    "report.shocks": Text(
        "Shock years (pinned by a scenario; shaded on the curves): {listed}. Background disasters strike at "
        "random in every run and are not shaded.",
        "冲击年份（由情景设定，曲线上以阴影标出）：{listed}。各次运行中随机发生的背景灾害不标出。",
    ),
    "report.yearly_heading": Text(
        "Truly poor persons by year: difference to the reference", "各年实际贫困人口：与参照情景之差"
    ),
    "report.yearly_note": Text(
        "A period total can hide a change inside the period; this table shows each year's paired difference "
        "(Δ) with its 95% interval.",
        "时期合计可能掩盖期内变化；本表列出每年的配对差值（Δ）及其95%区间。",
    ),
    "report.reference_mark": Text("(reference)", "（参照）"),
    "col.scenario": Text("Scenario", "情景"),
    "col.region": Text("Region", "地区"),
    "col.label": Text("Label (code)", "标签（代码）"),
    "col.question": Text("Question it answers", "所回答的问题"),
    "col.replicates": Text("Replicates", "重复次数"),
    "col.year": Text("Year", "年份"),
    "question.unrecorded": Text("(not recorded)", "（未记录）"),
    # the answer, in sentences
    "answer.fewest": Text(
        "{label} has the {what} in {period}: {value}{sure}.", "{label}在{period}的{what}最少：{value}{sure}。"
    ),
    "answer.sure_below": Text(" (below the reference with 95% confidence)", "（95%置信低于参照情景）"),
    "answer.not_sure": Text(" (not distinguishable from the reference at 95%)", "（与参照情景在95%水平上无显著差别）"),
    "answer.cheapest_year": Text(
        "Among scenarios that cost more and cut true poverty, {label} does it most cheaply: {value} per "
        "person-year out of poverty over {period}{interval}.",
        "在花费更多且减少实际贫困的情景中，{label}最为经济：{period}每减少一人年实际贫困花费{value}{interval}。",
    ),
    "answer.returns_caveat": Text(
        "Returns count re-registrations: a scenario that looks for fewer households finds fewer returns. "
        "Read them beside the person-years of true poverty, which count everyone below the line, found or not.",
        "返贫人数统计的是重新纳入建档立卡的人：少排查的情景就会少发现返贫。"
        "请结合实际贫困人年一起看，后者统计所有低于贫困线的人，无论是否被发现。",
    ),
    "what.true_poor_years": Text("fewest person-years of true poverty", "实际贫困人年"),
    "what.returns": Text("fewest returns to the register", "返贫人数"),
    "what.new_fallbacks": Text("fewest falls back into poverty", "新增实际返贫人数"),
    "what.cost_total": Text("lowest public spending", "财政投入"),
    # verdicts of a cost per outcome (analysis.tables.cost_effectiveness's ``verdict``)
    "verdict.trade": Text("", ""),
    "verdict.dominant": Text("cheaper and better: saves money", "更省钱且效果更好"),
    "verdict.dominated": Text("costs more and prevents nothing", "花费更多却没有减少"),
    "verdict.cheaper_worse": Text("cheaper, but worse", "更省钱，但结果更差"),
    "verdict.cheaper_worse_by": Text(
        "cheaper, but worse: {per} saved for each added {unit}", "更省钱，但结果更差：每增加一{unit}节省{per}"
    ),
    "per.cost_per_poverty_year_prevented": Text("person-year of true poverty", "人年实际贫困"),
    "per.cost_per_prevented_return": Text("return", "人返贫"),
    "per.cost_per_prevented_fallback": Text("fall back into poverty", "人实际返贫"),
    "verdict.fewer_found": Text(
        "fewer counted, but more people truly poor: not a saving", "统计数减少，但实际贫困人数增加：并非节省"
    ),
    "verdict.more_found": Text(
        "more counted, while fewer people are truly poor: more are found", "统计数增加，但实际贫困减少：发现了更多"
    ),
    "verdict.same": Text("no difference", "无差别"),
    "verdict.unbounded": Text("interval unbounded", "区间无界"),
    "verdict.few": Text("too few replicates for an interval", "重复次数太少，无法给出区间"),
    # how the numbers were made
    "method.pairing": Text(
        "Each scenario ran the same replicates: replicate r of every scenario draws the same household shocks "
        "(common random numbers), so differences are taken replicate by replicate and their {confidence} "
        "intervals come from {resamples} bootstrap resamples of the paired differences (BCa). A mean's interval "
        "is Student's t over replicates. Fewer than two replicates give no interval.",
        "各情景使用相同的重复运行：每个情景的第r次运行抽取相同的家庭冲击（共同随机数），因此差值逐次配对计算，"
        "其{confidence}区间来自对配对差值的{resamples}次自助重抽样（BCa）。均值的区间为各次运行的t区间。"
        "少于两次运行则不给区间。",
    ),
    "method.true_poverty": Text(
        "A person is truly poor in a year when the household's income is below the poverty line or its housing or "
        "basic medical guarantee fails, registered or not. Person-years of true poverty add the truly poor of "
        "every year of the period: the headline outcome, since it counts everyone, found or not.",
        "某年家庭收入低于贫困线，或住房安全、基本医疗保障未达标的人，无论是否在册，均计为实际贫困。"
        "实际贫困人年是时期内各年实际贫困人数之和：这是首要指标，因为它统计所有人，无论是否被发现。",
    ),
    "method.counts": Text(
        "Returns count households re-registered (返贫); falls back count exited households truly poor again for "
        "the first time since their exit, found or not. Sustained exits have not been truly poor since exiting.",
        "返贫统计重新纳入建档立卡的家庭；新增实际返贫统计脱贫后首次再次陷入实际贫困的家庭，无论是否被发现。"
        "稳定脱贫指脱贫后从未再陷入实际贫困。",
    ),
    "method.cost": Text(
        "Cost is all public spending the model counts on every lever, including the basic pension of every rural "
        "resident 65+, which differs little between scenarios and cancels in the differences. A cost per outcome "
        "is the paired extra cost over the whole run divided by the paired outcome prevented over the same "
        "years; where the scenario is cheaper and better, or dearer and no better, the cell says so instead of "
        "a ratio.",
        "成本是模型统计的各项政策财政投入，包括每位65岁以上农村居民的基础养老金（各情景间差别很小，在差值中抵消）。"
        "单位成本为全程配对增加的成本除以同期配对减少的结果；若情景更省钱且更好，或更贵却没有改善，"
        "单元格直接说明，而不给比值。",
    ),
    "method.survival": Text(
        "Survival curves are Kaplan-Meier estimates (scipy.stats.ecdf, right-censored at a household's dissolution "
        "or the last year) for the households on the register at the start, one curve per replicate; the band is "
        "the t interval of the mean over replicates.",
        "生存曲线为Kaplan-Meier估计（scipy.stats.ecdf，在家庭解体或最后一年右删失），对象为期初在册家庭，"
        "每次运行一条曲线；阴影带为各次运行均值的t区间。",
    ),
    "method.emergent": Text(
        "Exits, returns and fallbacks emerge from household incomes, shocks and policies; published plans are "
        "drawn for comparison and never read by the model.",
        "脱贫、返贫和实际返贫都由家庭收入、冲击和政策决定；公布的计划仅画出作对照，模型从不读取。",
    ),
    # warnings of a comparison (analysis.analyse, analysis.runs): printed in English, shown in the report's language
    "warn.mixed_regions": Text(
        "mixed regions ({regions}): each is compared only within its own region",
        "多个地区（{regions}）：每个地区只在本地区内比较",
    ),
    "warn.no_reference": Text(
        "no reference '{reference}' in {region} (labels: {labels}): paired differences and costs per prevented "
        "outcome are left out (choose one with --reference)",
        "{region}没有参照情景“{reference}”（标签：{labels}）：不给出配对差值和单位成本（请用 --reference 指定）",
    ),
    "warn.mixed_years": Text(
        "mixed year ranges in {region} ({listing}): runs are paired only over the years they share",
        "{region}的年份范围不一致（{listing}）：只在共同年份上配对",
    ),
    "warn.few_replicates": Text(
        "{label} ({region}) has {count} replicate: no interval can be given (run replicates>=5)",
        "{label}（{region}）只有{count}次重复运行：无法给出区间（请设置 replicates>=5）",
    ),
    "warn.no_ledger": Text(
        "{label} ({region}) has no event ledger (output.events): no survival curves for it",
        "{label}（{region}）没有事件记录（output.events）：没有它的生存曲线",
    ),
    "warn.skipped_run": Text("skipping run {folder}: {fault}", "跳过运行{folder}：{fault}"),
    "warn.unfinished_run": Text(
        "skipping unfinished run {folder} (no manifest.json: failed, killed or still running)",
        "跳过未完成的运行 {folder}（没有 manifest.json：失败、被终止或仍在运行）",
    ),
    "warn.unfinished_job": Text(
        "sweep job {folder} has no finished run (it failed, was killed or never ran)",
        "扫描任务 {folder} 没有完成的运行（失败、被终止或未运行）",
    ),
    "page.default_question": Text(
        "what if, starting from {scenario}, {changes}?", "如果以 {scenario} 为起点，{changes}，结果会怎样？"
    ),
    "page.no_lever_changed": Text("no lever changed", "不改变任何政策"),
    "server.open": Text(
        "dashboard: open {address} in a browser (Ctrl-C stops it)",
        "仪表盘：请在浏览器中打开 {address}（按 Ctrl-C 停止）",
    ),
    "server.exposed": Text(
        "warning: --host {host}: the dashboard is reachable from other machines; it has no accounts, "
        "and anyone who reaches it can run simulations and save scenario files",
        "警告：--host {host}：其他计算机可以访问此仪表盘；它没有账户，任何能访问它的人都可以运行模拟并保存情景文件",
    ),
    # --- one-line messages on the command line ----------------------------------------------------
    "line.error": Text("error: {message}", "错误：{message}"),
    "line.warning": Text("warning: {message}", "警告：{message}"),
    "run.timing": Text(
        "{households} simulated households; setup {setup} s, simulate {simulate} s, write {write} s",
        "模拟 {households} 户；准备 {setup} 秒，模拟 {simulate} 秒，写出 {write} 秒",
    ),
    "run.reused": Text(
        "{reused} of {replicates} replicates read from the store {store}",
        "{replicates} 次重复中有 {reused} 次读自结果库 {store}",
    ),
    "run.outputs": Text("outputs: {folder}", "输出：{folder}"),
    "run.compare": Text(
        "compare the runs: .venv/bin/python -m analysis {folder}", "比较这些运行：.venv/bin/python -m analysis {folder}"
    ),
    "run.interrupted": Text(
        "interrupted by {signal}: removed the unfinished run in {folder}",
        "被 {signal} 中断：已删除 {folder} 中未完成的运行",
    ),
    "line.compared": Text(
        "compared {labels}: {count} files in {out}; open {report}",
        "已比较 {labels}：{out} 中共 {count} 个文件；请打开 {report}",
    ),
    "warn.label_collision": Text(
        "label '{label}' ({region}) names {count} different configurations ({listing}); each is shown with its "
        "configuration hash (name runs apart with label=...)",
        "标签“{label}”（{region}）对应{count}个不同配置（{listing}）；分别以配置哈希标出（请用 label=... 区分）",
    ),
    "warn.bad_ledger": Text(
        "leaving out the ledger {path}: it cannot be read ({fault}); no survival curves from it",
        "不使用事件记录{path}：无法读取（{fault}）；不据此绘制生存曲线",
    ),
    # --- the command line (app.console) ---------------------------------------------------------------
    "console.yearly": Text(
        "Scenario '{label}': mean over {replicates} replicate(s)", "情景“{label}”：{replicates}次重复运行的均值"
    ),
    "console.interval": Text("(± half-width of the 95% interval)", "（±为95%区间的半宽）"),
    "console.sweep": Text(
        "Sweep summary: {jobs} job(s), {replicates} replicate(s) each",
        "批量运行汇总：{jobs}个任务，每个{replicates}次重复运行",
    ),
    "help.usage": Text(
        "Rural poverty dynamics, 2018-2025: run a scenario, a sweep or an experiment.\n\n"
        "  python3 run.py [key=value ...]             one run (the default: Henan, baseline)\n"
        "  python3 run.py -m key=a,b [...]            a sweep, one run folder per combination\n"
        "  python3 run.py +experiment=<name>          calibrate_henan, lever_response, sensitivity, validate\n"
        "  python3 run.py --info                      the scenario catalogue and the question each answers\n"
        "  python3 run.py --describe [key]            levers and parameters: unit, range, meaning, value\n"
        "  python3 run.py --hydra-help                Hydra's own options\n"
        "  lang=zh                                    print tables and descriptions in Chinese\n"
        "  .venv/bin/python -m analysis <sweep>       compare a sweep's runs (report.html; --lang zh)\n"
        "  python3 -m dashboard                       the planner's page in a browser\n",
        "农村贫困动态模拟（2018-2025）：运行一个情景、一组情景或一项实验。\n\n"
        "  python3 run.py [键=值 ...]                 运行一次（默认：河南省，现行政策组合）\n"
        "  python3 run.py -m 键=a,b [...]             批量运行，每个组合一个输出目录\n"
        "  python3 run.py +experiment=<名称>          calibrate_henan（校准）、lever_response（政策响应）、"
        "sensitivity（敏感性）、validate（验证）\n"
        "  python3 run.py --info                      情景目录及各情景回答的问题\n"
        "  python3 run.py --describe [键]             各项政策与参数：单位、范围、含义、当前值\n"
        "  python3 run.py --hydra-help                Hydra自身的选项\n"
        "  lang=zh                                    以中文输出表格和说明\n"
        "  .venv/bin/python -m analysis <目录>        比较一组运行（report.html；--lang zh 输出中文报告）\n"
        "  python3 -m dashboard                       在浏览器中打开规划者页面\n",
    ),
    "help.groups": Text("Config groups and their options (group=option):", "配置组及其选项（组=选项）："),
    "help.more": Text(
        "\nAny parameter can be set as key=value; python3 run.py --describe lists them with unit, range and meaning.",
        "\n任何参数都可用 键=值 设置；python3 run.py --describe 列出各参数的单位、范围和含义。",
    ),
    # --- the dashboard (dashboard/page.py, dashboard/views.py) ----------------------------------------
    "page.title": Text("Rural poverty dynamics · scenario dashboard", "农村贫困动态 · 情景比较"),
    "page.intro": Text(
        "### Exit, return and true poverty against a reference\n"
        "Pick a region, the scenario whose levers you move, any further scenarios to compare, and the "
        "reference; press **Run comparison**. Every scenario runs on the same replicates as the reference "
        "(paired), and every view shows them with 95% intervals. The page's address keeps the setup: copy it "
        "to share or reopen it.",
        "### 与参照情景比较脱贫、返贫与实际贫困\n"
        "选择地区、要调整政策的情景、其他要比较的情景和参照情景，然后点击**运行比较**。各情景与参照情景使用相同的"
        "重复运行（配对），各视图均给出95%区间。页面地址保存了当前设置：复制地址即可分享或重新打开。",
    ),
    "page.language": Text("Language / 语言", "语言 / Language"),
    "page.region": Text("Region", "地区"),
    "page.scenario": Text("Scenario whose levers you move", "调整政策的情景"),
    "page.others": Text("Also compare (as in the catalogue)", "同时比较（按情景目录原样）"),
    "page.reference": Text("Compare against (reference)", "参照情景"),
    "page.run": Text("Run comparison", "运行比较"),
    "page.reset": Text("Reset levers", "重置政策"),
    "page.changed_from": Text("changed from {value}", "原值 {value}"),
    "page.allowed": Text("allowed: {allowed}", "允许：{allowed}"),
    "page.running": Text(
        "Running: {done} of {total} replicates done{left} (replicates already in the store are read at once)",
        "运行中：已完成{total}次中的{done}次{left}（结果库中已有的重复运行直接读取）",
    ),
    "page.left": Text(", about {seconds} s left", "，约剩{seconds}秒"),
    "page.starting": Text("Starting…", "正在开始……"),
    "page.shown": Text(
        "Showing {labels} against {reference} · {simulated} replicates simulated, {reused} read from the store · "
        "{seconds} s · {folder}",
        "正在显示{labels}与{reference}的比较 · 模拟{simulated}次，从结果库读取{reused}次 · {seconds}秒 · {folder}",
    ),
    "page.shock": Text(
        "Shock year {year}: {what} (shaded on the curves)", "冲击年份{year}：{what}（曲线上以阴影标出）"
    ),
    "page.no_figure": Text(
        "No {name} figure: the runs kept no event ledger (output.events).",
        "没有{name}图：运行未保存事件记录（output.events）。",
    ),
    "page.nothing_yet": Text(
        "No comparison yet: the setup above is the question the catalogue asks most (support withdrawn or phased "
        "out in 2021, and no monitoring, against the current policy mix). Press Run comparison.",
        "尚未比较：上面的设置是情景目录中最常问的问题（2021年撤出或逐步退出帮扶、不开展监测，与现行政策组合比较）。"
        "请点击运行比较。",
    ),
    "page.save_tab": Text("Save, download", "保存与下载"),
    "page.save_help": Text(
        "**Save as scenario** writes the lever settings of the run shown as `scenarios/<name>.yaml` (overrides only, "
        "on top of its scenario). The command in the file's comments then gives the same table.",
        "**另存为情景**将所示运行的政策设置写入`scenarios/<名称>.yaml`（只含修改项，基于原情景）。"
        "文件注释中的命令可重现同样的表格。",
    ),
    "page.save_name": Text("Scenario name (lower-case letters, digits, _)", "情景名称（小写字母、数字、_）"),
    "page.save_question": Text("Question it answers", "所回答的问题"),
    "page.save": Text("Save as scenario", "另存为情景"),
    "page.saved": Text("Saved {path}. The same table: {command}", "已保存{path}。同样的表格：{command}"),
    "page.download": Text("**Download** the runs shown:", "**下载**所示运行："),
    "page.results_csv": Text("Results (CSV)", "结果（CSV）"),
    "page.results_parquet": Text("Results (Parquet)", "结果（Parquet）"),
    "page.manifest": Text("Manifest (JSON)", "运行清单（JSON）"),
    "page.report": Text("Report (HTML)", "报告（HTML）"),
    "page.everything": Text("Everything (zip)", "全部文件（zip）"),
    "page.metric": Text("Metric", "指标"),
    "page.unit": Text("Unit", "单位"),
    "page.yearly_paired": Text(
        "Mean over replicates of {label}; Δ is the paired difference to {reference} (replicate r against "
        "replicate r) with its 95% bootstrap interval. Persons are real persons, money is yuan.",
        "{label}各次运行的均值；Δ为与{reference}的配对差值（第r次对第r次）及其95%自助区间。人数为实际人数，金额单位为元。",
    ),
    "page.yearly_self": Text(
        "Mean over replicates of {label}, which is the reference itself. Persons are real persons, money is yuan.",
        "{label}各次运行的均值（即参照情景本身）。人数为实际人数，金额单位为元。",
    ),
    "page.failed": Text("the run failed: {error}", "运行失败：{error}"),
    # --- figures ----------------------------------------------------------------------------------
    "fig.context": Text(
        "{region}, {first}-{last} · 1 simulated household = {scale} real · {replicates} replicates",
        "{region}，{first}-{last}年 · 1个模拟家庭代表{scale}户 · {replicates}次重复运行",
    ),
    "fig.bands": Text("bands: 95% intervals", "阴影带：95%区间"),
    "fig.year": Text("Year", "年份"),
    "fig.years": Text("Years", "年"),
    "fig.plan": Text("plan", "计划"),
    "fig.shock": Text("{year}: shock", "{year}年：冲击"),
    "fig.transition": Text("{year}: transition (巩固衔接)", "{year}年：巩固衔接过渡期"),
    "fig.registered_line": Text("registered (建档立卡)", "建档立卡"),
    "fig.true_poor_line": Text("truly poor", "实际贫困"),
    "fig.beyond": Text("{label} peaks at {value} (off scale)", "{label}峰值{value}（超出坐标）"),
    "fig.difference_to": Text("difference to {reference}", "与{reference}之差"),
    "fig.difference": Text("difference", "差值"),
    "fig.paired": Text("paired with {reference} replicate by replicate", "与{reference}逐次配对"),
    "fig.mean": Text("mean over replicates", "各次运行均值"),
    "fig.exit_title": Text("Exit from poverty (脱贫)", "脱贫"),
    "fig.return_title": Text("Return to the register (返贫)", "返贫（重新建档）"),
    "fig.fallback_title": Text("True fallback into poverty", "实际返贫"),
    "fig.registered_title": Text("Registered poor (建档立卡) and truly poor persons", "建档立卡贫困人口与实际贫困人口"),
    "fig.true_poor_delta_title": Text(
        "{label}: truly poor, difference to {reference}", "{label}：实际贫困人口与{reference}之差"
    ),
    "fig.true_poor_years_total": Text("{period}: Δ {value} person-years", "{period}：Δ {value}人年"),
    "fig.survival_row": Text("Share not yet: {curve}", "尚未{curve}的比例"),
    "fig.survival_title": Text(
        "initial register, Kaplan-Meier by cause of poverty", "期初在册家庭，按致贫原因的Kaplan-Meier曲线"
    ),
    "fig.households": Text("{group} (~{households} households)", "{group}（约{households}户）"),
    "fig.frontier_title": Text("{outcome}: o on the frontier, x dominated", "{outcome}：o为前沿，x为被占优"),
    "fig.spending_run": Text("Public spending, {period}", "财政投入，{period}"),
    "fig.routes_title": Text("Routes out of the register, {period}", "退出建档立卡的途径，{period}"),
    "fig.share_of_exits": Text("Share of exits, %", "占脱贫人数的百分比"),
    "fig.spending_delta_title": Text(
        "Change in spending by lever against {reference}, {period}", "各项政策财政投入相对{reference}的变化，{period}"
    ),
    "fig.spending_apart": Text("pension, set apart", "养老金（单列）"),
    "fig.total": Text("total", "合计"),
    "fig.monitoring_title": Text("monitoring (防止返贫监测) by category", "防止返贫监测对象（按类别）"),
    "fig.areas_title": Text("poor villages and counties (摘帽)", "贫困村与贫困县（摘帽）"),
    "fig.not_exited": Text("{name} not yet exited", "尚未退出的{name}"),
    "curve.exit": Text("Initial register exited, %", "期初在册人口已脱贫比例（%）"),
    "curve.return": Text("Cumulative returns (返贫), % of all exited", "累计返贫占已脱贫人口的百分比"),
    "curve.fallback": Text("Cumulative fallbacks, % of all exited", "累计实际返贫占已脱贫人口的百分比"),
    "survival.exit": Text("exited", "脱贫"),
    "survival.fallback": Text("fallen back", "实际返贫"),
    "survival.return": Text("returned", "返贫"),
    "cause.illness": Text("Illness (因病)", "因病"),
    "cause.disability": Text("Disability (因残)", "因残"),
    "cause.no_labour": Text("No labour capacity (缺劳力)", "缺劳力"),
    "cause.other": Text("Other causes", "其他原因"),
    "cause.all": Text("All households", "全部家庭"),
    "route.exits_development_run": Text("Development", "开发式脱贫"),
    "route.exits_guarantee_run": Text("Guarantee (兜底)", "兜底脱贫"),
    "route.exits_deceased_run": Text("Deceased (自然减少)", "自然减少"),
    "unit.persons": Text("persons", "万人"),
    "unit.person_years": Text("person-years", "万人年"),
    "unit.yuan": Text("billion yuan", "亿元"),
    "unit.yuan_each": Text("yuan", "元"),
    "unit.persons_full": Text("persons", "人"),
    "unit.villages": Text("villages", "个村"),
    "unit.counties": Text("counties", "个县"),
    "unit.share": Text("share", "比例"),
    "unit.": Text("count", "个"),
    "unit.percent": Text("%", "%"),
    # captions of the report's figures (analysis.figures.FIGURES, by file stem)
    "caption.true_poor": Text(
        "Truly poor persons by year: each scenario's paired difference to the reference with its 95% band, one "
        "panel each on its own scale, so no scenario flattens the others. Below zero is fewer truly poor.",
        "各年实际贫困人口：每个情景与参照情景的配对差值及95%区间，每个情景一幅小图、各用自己的刻度，"
        "互不压扁。零线以下表示实际贫困更少。",
    ),
    "caption.curves": Text(
        "Exit, return and fallback curves with 95% bands. Returns count re-registration (返贫); fallbacks count "
        "exited households truly poor again whether or not they are found. The dashed line is the region's plan; "
        "a curve that leaves the scale is marked with its peak.",
        "脱贫、返贫和实际返贫曲线及95%区间。返贫统计重新建档；实际返贫统计已脱贫家庭再次陷入实际贫困，无论是否被发现。"
        "虚线为本地区计划；超出坐标的曲线标出其峰值。",
    ),
    "caption.registered_vs_true": Text(
        "Registered poor against truly poor persons, with 95% bands: the register can empty while true poverty stays.",
        "建档立卡贫困人口与实际贫困人口及95%区间：建档立卡可以清零，而实际贫困仍在。",
    ),
    "caption.deltas": Text(
        "Paired differences to the reference (replicate r against replicate r), each with its 95% bootstrap "
        "interval and value written; left of zero is fewer than the reference. A difference beyond the scale "
        "is drawn at the edge with its value.",
        "与参照情景的配对差值（第r次对第r次），标出95%自助区间和数值；零线左侧表示少于参照情景。"
        "超出坐标的差值画在边缘并标出数值。",
    ),
    "caption.survival": Text(
        "Kaplan-Meier curves of the initial register by cause of poverty, with 95% bands: share not yet exited "
        "(top), share of exited households not yet fallen back (middle) and not yet returned (bottom).",
        "期初在册家庭按致贫原因的Kaplan-Meier曲线及95%区间：尚未脱贫的比例（上）、已脱贫家庭尚未实际返贫的比例（中）"
        "和尚未返贫的比例（下）。",
    ),
    "caption.frontier": Text(
        "Cost against outcome, means over replicates: a scenario is on the frontier (o) when no other is both no "
        "dearer and no worse.",
        "成本与结果（各次运行均值）：若没有其他情景既不更贵又不更差，则该情景在前沿上（o）。",
    ),
    "caption.routes_spending": Text(
        "How households left the register over the whole run, and each lever's paired change in spending against "
        "the reference (the basic pension, large and nearly equal everywhere, set apart).",
        "全程各家庭退出建档立卡的途径，以及各项政策财政投入相对参照情景的配对变化（基础养老金数额大且各情景几乎相同，单列）。",
    ),
    "caption.monitoring": Text(
        "Persons under monitoring by seed 002's three categories, with 95% bands.",
        "按第002号文件三类划分的监测对象人数及95%区间。",
    ),
    "caption.areas": Text(
        "Poor villages and counties not yet exited, with 95% bands (village counts are estimates; county exits "
        "need scale 20 or finer). The dashed line is the region's plan.",
        "尚未退出的贫困村和贫困县及95%区间（贫困村数为估计；贫困县退出需抽样比例20或更细）。虚线为本地区计划。",
    ),
}


#: Every unit a parameter declares (``sim.schema.spec``), in Chinese; a test keeps the list complete.
UNITS_ZH = {
    "areas": "个地区",
    "births/person/yr": "出生/人/年",
    "counties": "个县",
    "draws": "次抽样",
    "elasticity": "弹性",
    "households": "户",
    "households/yr": "户/年",
    "id": "编号",
    "jobs": "个岗位",
    "log multiple": "对数倍数",
    "log sd": "对数标准差",
    "multiple": "倍",
    "persons": "人",
    "posts": "个岗位",
    "replicates": "次",
    "seed": "种子",
    "share": "比例",
    "share above the line": "高出贫困线的比例",
    "share of income": "占收入比例",
    "share/yr": "比例/年",
    "villages": "个村",
    "workers/yr": "人/年",
    "x mean rural income per person": "倍农村人均收入",
    "x poverty line": "倍贫困线",
    "x rural incidence": "倍农村贫困发生率",
    "x standard": "倍标准",
    "year": "年份",
    "years": "年",
    "yuan": "元",
    "yuan/household": "元/户",
    "yuan/household/yr": "元/户/年",
    "yuan/job/yr": "元/岗位/年",
    "yuan/person": "元/人",
    "yuan/person/month": "元/人/月",
    "yuan/person/yr": "元/人/年",
    "yuan/placement": "元/人次",
    "yuan/post/yr": "元/岗位/年",
    "yuan/trainee": "元/培训人次",
    "yuan/yr": "元/年",
}


def unit_name(unit: str, lang: str = DEFAULT) -> str:
    """A parameter's unit as ``lang`` writes it (the declared English unit, or its Chinese)."""
    return UNITS_ZH.get(unit, unit) if lang == "zh" else unit


def say(key: str, lang: str = DEFAULT, **values) -> str:
    """The phrase ``key`` in ``lang`` with its placeholders filled."""
    text = PHRASES[key](lang)
    return text.format(**values) if values else text


# --- units ---------------------------------------------------------------------------------------------

#: Per language and unit: the factor a value is divided by on an axis or in a table, and its unit key.
SCALES = {
    "en": {"persons": (1.0, "unit.persons"), "person_years": (1.0, "unit.person_years"), "yuan": (1e9, "unit.yuan")},
    "zh": {"persons": (1e4, "unit.persons"), "person_years": (1e4, "unit.person_years"), "yuan": (1e8, "unit.yuan")},
}


def scale(unit: str, lang: str = DEFAULT) -> tuple[float, str]:
    """How ``unit`` is written in ``lang``: (divide by, unit name); other units as they are."""
    factor, key = SCALES[lang].get(unit, (1.0, f"unit.{unit}"))
    return factor, say(key, lang) if key in PHRASES else unit


def amount(value: float, unit: str, lang: str = DEFAULT, with_unit: bool = True, sign: bool = False) -> str:
    """A number in the reader's units: ``12,345 persons``, ``2.29 billion yuan``, ``1.2万人``, ``22.9亿元``."""
    if value is None or not math.isfinite(value):
        return "–"
    factor, name = scale(unit, lang)
    shown = value / factor
    plus = "+" if sign and shown > 0 else ""
    if unit == "yuan":
        text = f"{shown:,.2f}" if abs(shown) < 100 else f"{shown:,.1f}" if abs(shown) < 1000 else f"{shown:,.0f}"
    elif factor > 1:
        text = f"{shown:,.2f}" if abs(shown) < 10 else f"{shown:,.1f}" if abs(shown) < 1000 else f"{shown:,.0f}"
    elif unit in ("share",):
        text = f"{shown:.3f}"
    else:
        text = f"{shown:,.0f}"
    if not with_unit:
        return plus + text
    joiner = "" if lang == "zh" or name == "%" else " "
    return f"{plus}{text}{joiner}{name}"


def money_per(value: float, lang: str = DEFAULT, with_unit: bool = True) -> str:
    """A cost per outcome in yuan, written whole (a ratio, never in 亿)."""
    if value is None or not math.isfinite(value):
        return "–"
    if not with_unit:
        return f"{value:,.0f}"
    return f"{value:,.0f}元" if lang == "zh" else f"{value:,.0f} yuan"


# --- names declared elsewhere ---------------------------------------------------------------------------


def metric_name(name: str, lang: str = DEFAULT) -> str:
    """A metric's planner name (curves and registered metrics), else its code name."""
    curve = f"curve.{name.removeprefix('curve_')}"
    if name.startswith("curve_") and curve in PHRASES:
        return say(curve, lang)
    from sim import metrics

    found = next((m for m in metrics.metrics() if m.name == name), None)
    return found.title(lang) if found is not None else name


def lever_name(name: str, lang: str = DEFAULT) -> str:
    """A lever's planner name."""
    from sim import steps

    return steps.lever(name).title(lang)


def quantity_name(name: str, lang: str = DEFAULT) -> str:
    """A period quantity's planner name (``cost_<lever>``: the lever's spending)."""
    from analysis.tables import QUANTITIES

    found = next((q for q in QUANTITIES if q.name == name), None)
    if found is not None:
        return found.title(lang)
    return metric_name(name, lang)


def label_name(label: str, scenario: str, title: dict | None, lang: str = DEFAULT) -> str:
    """A run label as a planner reads it: its scenario's title, then what the label changes."""
    if not title or not title.get(lang):
        return label
    rest = label.removeprefix(scenario)
    if rest == label:  # a label of its own (label=...): shown as given
        return label
    return title[lang] + (f" ({rest.removeprefix('+')})" if rest else "")


def region_name(config_region: dict, lang: str = DEFAULT) -> str:
    """A region's name from its resolved configuration (``label_zh`` in Chinese, where given)."""
    english = config_region.get("label") or str(config_region.get("name", "?")).title()
    if lang == "zh":
        return config_region.get("label_zh") or english
    return english


def missing() -> list[str]:
    """Every catalogued phrase or declared name that lacks a language (as ``where: language``)."""
    from analysis.tables import QUANTITIES
    from sim import metrics, steps

    entries = [(f"phrase {key}", text) for key, text in PHRASES.items() if not key.startswith("verdict.trade")]
    entries += [(f"metric {m.name}", m.title) for m in metrics.metrics()]
    entries += [(f"lever {lever.name}", lever.title) for lever in steps.levers()]
    entries += [(f"quantity {q.name}", q.title) for q in QUANTITIES]
    return [f"{where}: {lang}" for where, text in entries for lang in text.missing()]


class Notice(str):
    """A warning that reads as its English line and can be said in another language (``notice(lang)``)."""

    key: str
    values: dict

    def __new__(cls, key: str, **values) -> Notice:
        """The notice ``key`` of the catalogue with its placeholders' values."""
        notice = super().__new__(cls, say(key, DEFAULT, **values))
        notice.key, notice.values = key, values
        return notice

    def __call__(self, lang: str = DEFAULT) -> str:
        """The notice in ``lang``."""
        return say(self.key, lang, **self.values)

    def __getnewargs_ex__(self) -> tuple[tuple, dict]:
        """Pickled and copied as its key and values."""
        return (self.key,), self.values


def in_language(message: str, lang: str) -> str:
    """A warning in ``lang`` when it is a :class:`Notice`, else as written."""
    return message(lang) if isinstance(message, Notice) else message


#: The clauses of the one-line messages for bad input (``key: got value; allowed: what is allowed``),
#: as regular expressions over one clause, with their Chinese.  A message is cut at its first ": "
#: (the key) and at each "; " (its clauses); a clause no pattern matches is left as written, and a
#: test runs every message of the bad-input suite through these to find any left in English.
MESSAGE_CLAUSES_ZH: tuple[tuple[str, str], ...] = (
    (r"got an empty option", "选项为空"),
    (r"got several values \((.*)\)", r"给了多个值（\1）"),
    (r"got (.*)", r"收到 \1"),
    (r"unknown key", "未知的键"),
    (r"unknown option (.*)", r"未知的选项 \1"),
    (r"unknown option", "未知的选项"),
    (r"missing required key", "缺少必需的键"),
    (r"cannot parse this override", "无法解析这个覆盖项"),
    (r"glob matched no option", "glob 没有匹配到任何选项"),
    (r"glob\(\.\.\.\) selects options of a config group", "glob(...) 只用于选择配置组的选项"),
    (
        r"interval\(\.\.\.\) asks an optimising sweeper for continuous values",
        "interval(...) 需要能取连续值的优化扫描器",
    ),
    (r"it is a file", "这是一个文件"),
    (r"it lies under the file (.*)", r"它位于文件 \1 之下"),
    (r"it holds a finished run \((.*)\)", r"其中有已完成的运行（\1）"),
    (r"it holds outputs of an unfinished run \((.*)\)", r"其中有未完成运行的输出（\1）"),
    (r"cannot create (\S+) \((.*)\)", r"无法创建 \1（\2）"),
    (r"(\S+) is not writable", r"\1 不可写"),
    (
        r"scaled_from: region (\S+) has no readable registered_poor_persons in (.*)",
        r"scaled_from：地区 \1 在 \2 中没有可读的 registered_poor_persons",
    ),
    (r"Interpolation key (\S+) not found", r"插值键 \1 不存在"),
    (r"Unsupported interpolation type (\S+)", r"不支持的插值类型 '\1'"),
    (r"Value (\S+) is not a valid (\w+) \(type \w+\)", r"值 \1 不是有效的 \2"),
    (r"Cannot merge DictConfig with ListConfig", "不能用列表替换映射"),
    (
        r"ValueError raised while resolving interpolation: could not convert string to float: (.*)",
        r"解析插值时无法把 \1 转换为数",
    ),
    (
        r"shares (\[.*\]) cannot be reached from the population prior \(closest (\[.*\])\)",
        r"比例 \1 无法由人口先验达到（最接近的是 \2）",
    ),
    (r"cannot be saved over the base scenario's value", "不能覆盖基础情景的取值保存"),
    (r"(.*) names two different jobs", r"\1 对应两个不同的任务"),
    (r"the job (.*) is asked for twice", r"任务 \1 被要求了两次"),
    (r"no such directory", "没有这个文件夹"),
    (r"scenarios/(\S+) exists", r"scenarios/\1 已存在"),
    (
        r"no finished run \(results.csv with manifest.json\) under (.*)",
        r"\1 下没有完成的运行（带 manifest.json 的 results.csv）",
    ),
    (r"no readable finished run under (.*) \(see the warnings\)", r"\1 下没有可读的完成运行（见警告）"),
)

#: What a message allows (the words after "allowed: "), with their Chinese; lists of names stay as written.
ALLOWED_ZH: tuple[tuple[str, str], ...] = (
    (r"a whole number in \[(.*)\](.*)", r"[\1] 之间的整数\2"),
    (r"a number in \[(.*)\](.*)", r"[\1] 之间的数\2"),
    (r"a whole number in \[(.*)\], or None", r"[\1] 之间的整数，或 None"),
    (r"a whole number(.*)", r"整数\1"),
    (r"a finite number", "有限的数"),
    (r"a number, or (.*)", r"一个数，或 \1"),
    (r"a number", "数"),
    (r"a year in \[(.*)\] as key", r"以 [\1] 之间的年份为键"),
    (r"a year in \[(.*)\]", r"[\1] 之间的年份"),
    (r"a year up to (\d+) \(before the start\)", r"不晚于 \1 的年份（起始之前）"),
    (r"a county id in \[(.*)\]", r"[\1] 之间的县编号"),
    (r"true or false", "true 或 false"),
    (r"text", "文本"),
    (r"a list", "列表"),
    (r"a mapping of settings", "设置项的映射"),
    (r"a mapping", "映射"),
    (r"a block of settings", "一组设置"),
    (r"one of (.*)", r"以下之一：\1"),
    (r"at most (.*) in each band", r"每个年龄段不超过 \1"),
    (
        r"at most share_no_labour \(persons 65\+ count as without labour capacity\)",
        "不超过 share_no_labour（65 岁及以上者计为无劳动能力）",
    ),
    (
        r"at most (\S+) for this region \(the sample needs at least (\d+) registered households\)",
        r"本地区不超过 \1（样本至少需要 \2 个建档立卡户）",
    ),
    (
        r"at least (\S+) on this machine \(the population needs about (.*); (.*) is available\)",
        r"本机至少 \1（人口约需 \2，可用 \3）",
    ),
    (
        r"at least the stock of (\d+) \((.*)\): the register shrinks toward the start",
        r"不低于 \1 年的存量（\2）：建档人数向起始年逐年减少",
    ),
    (
        r"at least registered_poor_persons \+ near_poor_persons \+ exited persons before the start = (.*)",
        r"不低于 registered_poor_persons + near_poor_persons + 起始前退出人数 = \1",
    ),
    (r"at most (.*)", r"不超过 \1"),
    (r"at least (.*)", r"不低于 \1"),
    (
        r"enough for (\d+) simulated households at population.scale >= (.*)",
        r"足以在 population.scale >= \2 时模拟 \1 户",
    ),
    (
        r"1 to 20 non-negative shares \(sizes 1, 2, \.\.\.\) summing to 1",
        "1 至 20 个非负比例（家庭人口 1、2、……），总和为 1",
    ),
    (r"shares consistent with each other and the prior \(e\.g\. (.*)\)", r"彼此一致、并与先验一致的比例（如 \1）"),
    (
        r"\{year: value, \.\.\.\} entries, which replace those years \(or (.*)\)",
        r"{年份: 值, ...} 条目，替换这些年份的取值（或 \1）",
    ),
    (r"one value, or -m to run them as a sweep", "一个值，或加 -m 作为扫描运行"),
    (r"a value, or an interpolation that resolves", "一个值，或能解析的插值"),
    (r"a value of the setting's type", "与该设置类型相符的值"),
    (r"a directory path|a folder path", "文件夹路径"),
    (r"a writable directory", "可写的文件夹"),
    (r"a writable folder with room", "有剩余空间的可写文件夹"),
    (r"a store folder", "结果库文件夹"),
    (
        r"a new or empty directory \(runs never overwrite other runs' outputs\)",
        "新的或空的文件夹（运行从不覆盖其他运行的输出）",
    ),
    (
        r"key=value with an ASCII key \(e\.g\. (.*)\), a value with spaces, quotes or non-ASCII text in quotes",
        r"key=value，键为 ASCII 字符（如 \1），含空格、引号或非 ASCII 文字的值要加引号",
    ),
    (
        r"a list a,b,c, range\(start,stop,step\), choice\(a,b\) or, for a config group, glob\(pattern\)",
        "列表 a,b,c、range(start,stop,step)、choice(a,b)，或对配置组用 glob(pattern)",
    ),
    (r"a name \(python3 run.py --info lists them\)", "一个名称（python3 run.py --info 列出全部）"),
    (r"a non-empty list of distinct scenario names", "互不相同的情景名称组成的非空列表"),
    (r"a non-empty list of lists of key=value texts", "由 key=value 文本列表组成的非空列表"),
    (r"one label per configuration", "每个配置一个标签"),
    (r"each job once", "每个任务一次"),
    (r"a new setting", "新的设置"),
    (r"a key or the start of one, e\.g\. (.*)", r"一个键或键的开头，如 \1"),
    (r"one key \(or none\) and overrides key=value", "一个键（或不给）以及覆盖项 key=value"),
    (r"a scenario name", "情景名称"),
    (r"\[low, high\] with 0 <= low <= high <= 1", "[下限, 上限]，且 0 <= 下限 <= 上限 <= 1"),
    (r"--host ADDRESS --port 1-65535 --out DIR --lang en\|zh", "--host 地址 --port 1-65535 --out 文件夹 --lang en|zh"),
    (r"an address of this machine, e\.g\. (.*)", r"本机的一个地址，如 \1"),
    (r"a free port", "空闲的端口"),
    (r"(\S+) cannot be used \((.*)\)", r"\1 无法使用（\2）"),
    (r"lower-case letters, digits and _, starting with a letter", "小写字母、数字和 _，以字母开头"),
    (r"a new name \(saving never overwrites a scenario\)", "新的名称（保存从不覆盖已有情景）"),
    (r"(en, zh|en, zh or en,zh)", r"\1"),
)

_TRAILING_ZH = ((r" \(read by (\S+)\)$", r"（由 \1 读取）"),)


def _clause(text: str, table: tuple[tuple[str, str], ...]) -> str:
    for pattern, chinese in table:
        found = re.fullmatch(pattern, text, flags=re.S)
        if found:
            said = found.expand(chinese)
            for trailing, words in _TRAILING_ZH:
                said = re.sub(trailing, words, said)
            return said
    return text


def message_in(message: str, lang: str = DEFAULT) -> str:
    """A one-line message (``key: got value; allowed: ...``) in ``lang``; the key, values and names as written."""
    if isinstance(message, Notice):  # before str(): a Notice is said from its key, not translated
        return message(lang)
    message = str(message)
    if lang == DEFAULT:
        return message
    key, colon, rest = message.partition(": ")
    key = KEYS_ZH.get(key, key)
    if not colon:
        return _os_words(_clause(message, MESSAGE_CLAUSES_ZH))
    # What is allowed comes last and may hold "; " itself: it is read whole.
    problem, allowed_mark, allowed = rest.partition("; allowed")
    if not allowed_mark and rest.startswith("allowed"):
        problem, allowed_mark, allowed = "", "allowed", rest.removeprefix("allowed")
    clauses = [_clause(clause, MESSAGE_CLAUSES_ZH) for clause in problem.split("; ") if clause]
    if allowed.startswith(": "):
        clauses.append("可用：" + _clause(allowed.removeprefix(": "), ALLOWED_ZH))
    elif allowed.startswith(" for: "):
        clauses.append("可用于：" + allowed.removeprefix(" for: "))
    elif allowed.startswith(" keys under "):
        where, _, names = allowed.removeprefix(" keys under ").partition(": ")
        clauses.append(f"{where} 下可用的键：{names}")
    elif allowed_mark:
        clauses.append("allowed" + allowed)
    return _os_words(f"{key}：{'；'.join(clauses)}")


#: Words that stand where a message names its key (argparse's own), in Chinese.
KEYS_ZH = {"unrecognized arguments": "无法识别的参数", "the following arguments are required": "缺少参数"}

#: The operating system's words for the faults a message may quote (``strerror``), in Chinese.
OS_WORDS_ZH = {
    "No such file or directory": "没有这个文件或文件夹",
    "Permission denied": "没有权限",
    "Read-only file system": "只读的文件系统",
    "No space left on device": "磁盘没有剩余空间",
    "Not a directory": "不是文件夹",
    "File exists": "文件已存在",
}


def _os_words(text: str) -> str:
    for english, chinese in OS_WORDS_ZH.items():
        text = text.replace(english, chinese)
    return text


def error_line(message, lang: str = DEFAULT) -> str:
    """The ``error: ...`` line of the command line, in ``lang``."""
    return say("line.error", lang, message=message_in(message, lang))


def warning_line(message, lang: str = DEFAULT) -> str:
    """The ``warning: ...`` line of the command line, in ``lang``."""
    return say("line.warning", lang, message=message_in(message, lang))


def check_lang(lang: str) -> str:
    """``lang`` if it is a catalogue language, else a ValueError with the one-line message."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang: got {lang!r}; allowed: {', '.join(LANGUAGES)}")
    return lang

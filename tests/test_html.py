"""The HTML report, opened in a real headless Chromium (Debian `chromium`, driven by
Playwright; nothing is mocked and no browser is downloaded).

Screenshots go to test-artifacts/ (gitignored). The golden file is regenerated with

    LOCALPROOF_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_html.py -k golden
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from localproof.cli import run_audit
from localproof.model import Assessment, Status, StoreRef
from localproof.render import OutputFormat, flowmap, flowsvg, html, renderer
from tests.builders import HostBuilder
from tests.html.browser import chromium, screenshot, visit
from tests.html.fixtures import HOSTILE, fixed_assessment, many_tools
from tests.test_contracts import CANARIES, build_busy_host

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "report.html"
UPDATE = os.environ.get("LOCALPROOF_UPDATE_GOLDEN") == "1"
FITS = """all => all.flatMap(node => {
  const width = node.querySelector('.box').getBBox().width;
  return [...node.querySelectorAll('text')]
    .filter(t => t.getBBox().x + t.getBBox().width > width - 2)
    .map(t => t.textContent);
})"""
CONTRAST = """() => {
  function rgb(text) { return text.match(/[\\d.]+/g).slice(0, 3).map(Number); }
  function lum(c) {
    const [r, g, b] = c.map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function ratio(a, b) { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); }
  const out = [];
  for (const el of document.querySelectorAll('.badge')) {
    const s = getComputedStyle(el);
    out.push([el.className, ratio(s.color, s.backgroundColor)]);
  }
  for (const node of document.querySelectorAll('.flowmap .node')) {
    const box = getComputedStyle(node.querySelector('.box')).fill;
    for (const cls of ['.label', '.detail', '.mark']) {
      out.push([node.getAttribute('class') + ' ' + cls,
                ratio(getComputedStyle(node.querySelector(cls)).fill, box)]);
    }
  }
  const body = getComputedStyle(document.body);
  out.push(['body', ratio(body.color, body.backgroundColor)]);
  return out;
}"""


def assert_labels_fit(page: Page) -> None:
    """Every text of the map ends inside its box, as rendered by the browser's fonts."""
    overflowing = page.eval_on_selector_all("svg.flowmap .node", FITS)
    assert overflowing == []


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "localproof", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("demo") / "root"
    script = REPO / "examples" / "build_demo_host.py"
    subprocess.run([sys.executable, str(script), str(dest)], check=True, capture_output=True)
    return dest


def clean_root(host: HostBuilder) -> Path:
    host.user("alice", 1000)
    host.mount("/dev/mapper/luks-root", "/", "ext4")
    host.ensure_net_tables()
    return host.root


def audit_html(root: Path, target: Path) -> Assessment:
    """Write the report with the real command line; return the same audit in-process."""
    done = run_cli("audit", "--root", str(root), "--format", "html", "--output", str(target))
    assert done.returncode == 0, done.stderr
    return run_audit(root)


def check_page(
    browser: Browser, report: Path, assessment: Assessment, name: str, *, ordered: bool = False
) -> None:
    """The page loads alone and silently, and holds the verdict, every finding and the map.

    `ordered` when the page was rendered from this very assessment object: then the
    findings must also appear in the report's order (failing by severity, unknown, rest).
    """
    with visit(browser, report) as seen:
        page = seen.page
        assert seen.requests == [report.resolve().as_uri()]
        assert seen.console_errors() == []
        assert seen.errors == []
        answer = page.locator(".verdict .answer").inner_text()
        assert answer.split(":")[0].split()[-1] in ("Yes", "No", "proven")
        assert assessment.verdict.local_ai in page.locator(".verdict").inner_text()
        shown = page.eval_on_selector_all("article.finding", "all => all.map(a => a.id)")
        expected = [f"f-{w.finding.id}" for w in _page_order(assessment)]
        assert sorted(shown) == sorted(expected)
        if ordered:
            assert shown == expected
        assert page.locator("#map-title").text_content()
        assert page.locator("svg.flowmap .node").count() >= 1 + len(assessment.tools)
        assert page.locator(".flow-list li").count() >= len(assessment.tools)
        assert_labels_fit(page)
        for tool in assessment.tools:
            assert page.locator("#tools").get_by_text(tool.name, exact=True).count() == 1
        screenshot(seen, f"{name}.png")
        page.locator("#map .map").screenshot(path=str(screenshot(seen, f"{name}-map.png")))


def _page_order(assessment: Assessment) -> list:  # type: ignore[type-arg]
    """Findings in the order the page shows them: failing by severity, unknown, the rest."""
    order = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.PASS: 2, Status.NOT_APPLICABLE: 3}
    failing = sorted(
        (w for w in assessment.findings if w.finding.status is Status.FAIL),
        key=lambda w: -w.severity.rank,
    )
    rest = sorted(
        (w for w in assessment.findings if w.finding.status is not Status.FAIL),
        key=lambda w: order[w.finding.status],
    )
    return failing + rest


def test_demo_host_report_in_chromium(browser: Browser, demo_root: Path, tmp_path: Path) -> None:
    report = tmp_path / "demo.html"
    assessment = audit_html(demo_root, report)
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert assessment.failing()
    check_page(browser, report, assessment, "demo-host")
    with visit(browser, report) as seen:
        svg = seen.page.locator("svg.flowmap")
        assert "0.0.0.0:11434/tcp" in svg.inner_html()
        assert seen.page.locator("svg.flowmap .node.st-fail").count() >= 3


def test_clean_host_report_in_chromium(browser: Browser, host: HostBuilder, tmp_path: Path) -> None:
    report = tmp_path / "clean.html"
    assessment = audit_html(clean_root(host), report)
    assert not assessment.tools
    check_page(browser, report, assessment, "clean-host")
    with visit(browser, report) as seen:
        assert "No known local AI tool was found" in seen.page.locator("#tools").inner_text()
        assert "none found" in seen.page.locator("svg.flowmap").inner_html()


def test_fixed_assessment_in_chromium_light_dark_and_print(
    browser: Browser, tmp_path: Path
) -> None:
    assessment = fixed_assessment()
    report = tmp_path / "fixed.html"
    report.write_text(html.render(assessment), encoding="utf-8")
    check_page(browser, report, assessment, "fixed", ordered=True)
    for scheme in ("light", "dark"):
        with visit(browser, report, scheme=scheme) as seen:
            low = [(what, r) for what, r in seen.page.evaluate(CONTRAST) if r < 4.5]
            assert low == [], scheme
            screenshot(seen, f"fixed-{scheme}.png", full_page=False)
    with visit(browser, report) as seen:
        seen.page.emulate_media(media="print")
        assert not seen.page.locator("#filters").is_visible()
        assert not seen.page.locator("button.copy").first.is_visible()
        pdf = seen.page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        assert seen.requests == [report.resolve().as_uri()]


def test_filters_and_copy_buttons(browser: Browser, tmp_path: Path) -> None:
    assessment = fixed_assessment()
    report = tmp_path / "fixed.html"
    report.write_text(html.render(assessment), encoding="utf-8")
    with visit(browser, report) as seen:
        page = seen.page
        assert page.locator("#filters").is_visible()
        assert page.locator("button.copy").count() == len(assessment.failing())
        page.select_option("select[name=severity]", "critical")
        visible = page.locator("article.finding:visible")
        critical = [w for w in assessment.findings if w.severity.value == "critical"]
        assert visible.count() == len(critical)
        page.select_option("select[name=severity]", "")
        page.select_option("select[name=tool]", "open-webui")
        webui = [w for w in assessment.findings if w.finding.tool == "open-webui"]
        assert page.locator("article.finding:not([hidden])").count() == len(webui)
        assert (
            f"{len(webui)} of {len(assessment.findings)}"
            in page.locator("#filter-count").inner_text()
        )
        page.select_option("select[name=tool]", "")
        page.select_option("select[name=category]", "backup")
        assert page.locator("article.finding:not([hidden])").count() == 1
        button = page.locator("article.finding:not([hidden]) button.copy")
        button.click()
        expect(button).to_have_text(re.compile("^(Copied|Select and copy)$"))
        assert seen.errors == []
        assert seen.console_errors() == []


def test_readable_without_javascript(browser: Browser, tmp_path: Path) -> None:
    assessment = fixed_assessment()
    report = tmp_path / "fixed.html"
    report.write_text(html.render(assessment), encoding="utf-8")
    with browser.new_context(java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(report.as_uri())
        assert not page.locator("#filters").is_visible()
        assert page.locator("button.copy").count() == 0
        failing = page.locator("article.finding.st-fail:visible")
        assert failing.count() == len(assessment.failing())
        assert page.locator("svg.flowmap").is_visible()
        assert page.locator(".fix").first.is_visible()


def test_hostile_text_is_escaped_and_loads_nothing(browser: Browser, tmp_path: Path) -> None:
    text = html.render(fixed_assessment())
    assert HOSTILE not in text
    assert "&lt;img src=&quot;http://example.invalid/x.png&quot;" in text
    report = tmp_path / "fixed.html"
    report.write_text(text, encoding="utf-8")
    with visit(browser, report) as seen:
        assert seen.page.locator("main img").count() == 0
        assert HOSTILE in seen.page.locator("main").inner_text()
        assert seen.requests == [report.resolve().as_uri()]


def test_twelve_tools_stay_readable(browser: Browser, tmp_path: Path) -> None:
    assessment = many_tools(12)
    report = tmp_path / "many.html"
    report.write_text(html.render(assessment), encoding="utf-8")
    with visit(browser, report) as seen:
        boxes = seen.page.eval_on_selector_all(
            "svg.flowmap .node",
            "all => all.map(n => { const r = n.getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; })",
        )
        assert len(boxes) >= 12 * 3
        for index, (left, top, right, bottom) in enumerate(boxes):
            for other in boxes[index + 1 :]:
                overlap = (
                    left < other[2] and other[0] < right and top < other[3] and other[1] < bottom
                )
                assert not overlap
        assert_labels_fit(seen.page)
        seen.page.locator("#map .map").screenshot(path=str(screenshot(seen, "many-tools-map.png")))


def test_flow_map_follows_the_findings() -> None:
    flow = flowmap.build(fixed_assessment())
    edges = {(e.source, e.target): e.status for e in flow.edges.values()}
    assert edges[("others", "listen:ollama:0.0.0.0:11434/tcp")] is Status.FAIL
    assert edges[("store:/home/alice/.ollama/history", "backup:/etc/rsnapshot.conf line 13")] is (
        Status.FAIL
    )
    assert edges[("tool:open-webui", "out:cloud")] is Status.FAIL
    assert edges[("tool:open-webui", "out:telemetry")] is Status.PASS
    assert edges[("tool:ollama", "out:update-check")] is Status.UNKNOWN
    nodes = flow.nodes
    assert nodes["sync:none"].status is Status.PASS
    assert nodes["store:/var/lib/docker/volumes/open-webui/_data/webui.db"].status is Status.FAIL
    assert nodes["listen:open-webui:container open-webui port 3000/tcp"].label == "port 3000/tcp"
    assert nodes["memory"].status is Status.FAIL
    attached = sum(len(n.findings) for n in nodes.values())
    applicable = [
        w for w in fixed_assessment().findings if w.finding.status is not Status.NOT_APPLICABLE
    ]
    assert attached >= len(applicable)


def test_flow_map_of_a_host_without_exposure_has_no_other_devices() -> None:
    base = fixed_assessment()
    quiet = Assessment(
        base.tool_version, base.generated_at, base.host, base.profile,
        base.profile_description, base.verdict, base.tools, (),
    )  # fmt: skip
    flow = flowmap.build(quiet)
    assert "others" not in flow.nodes
    assert {e.source for e in flow.edges.values() if e.target.startswith("listen:")} == {"you"}
    assert flowsvg.render_svg(flow).count("none found") == 1  # nothing copied or sent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/home/alice/.ollama/history", "…/.ollama/history"),
        ("/var/lib/docker/volumes/open-webui/_data/webui.db", "…/_data/webui.db"),
        ("/home/alice/.local/share/text-generation-webui/chats.db", "…tex…ebui/chats.db"),
        ("ENABLE_COMMUNITY_SHARING +2", "ENABLE_CO…SHARING +2"),
        ("Ollama", "Ollama"),
    ],
)
def test_map_labels_keep_the_informative_ends(text: str, expected: str) -> None:
    size = flowsvg.LABEL_PX if text.startswith("/") else flowsvg.DETAIL_PX
    assert flowsvg.fit(text, size, bold=text.startswith("/")) == expected


def test_host_wide_settings_are_not_a_tool_the_user_types_into() -> None:
    flow = flowmap.build(fixed_assessment())
    assert ("you", "host") not in flow.edges
    assert ("host", "memory") not in flow.edges


def test_undecodable_names_are_printed_not_fatal() -> None:
    base = fixed_assessment()
    odd = "/home/alice/.ollama/hist\udcffory"
    store = StoreRef("history", "text", odd, "alice")
    tool = dataclasses.replace(base.tools[0], stores=(*base.tools[0].stores, store))
    text = html.render(dataclasses.replace(base, tools=(tool, *base.tools[1:])))
    assert "hist\\udcffory" in text  # the surrogate, shown as an escape
    text.encode("utf-8")


def test_golden_report_structure() -> None:
    text = renderer(OutputFormat.HTML)(fixed_assessment())
    if UPDATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        "HTML report changed; if intended, regenerate with LOCALPROOF_UPDATE_GOLDEN=1"
    )


def test_report_is_self_contained() -> None:
    text = html.render(fixed_assessment())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "@import" not in text
    assert "url(" not in text.replace("url(#arrow-", "")
    assert "@font-face" not in text
    assert "default-src 'none'" in text


def test_no_planted_value_reaches_the_html(host: HostBuilder, tmp_path: Path) -> None:
    build_busy_host(host)
    done = run_cli("audit", "--root", str(host.root), "--format", "html")
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout
    census = run_cli("scan", "--root", str(host.root), "--format", "html")
    assert census.returncode == 0, census.stderr
    assert "Content census" in census.stdout
    for canary in CANARIES:
        assert canary not in done.stdout + done.stderr
        assert canary not in census.stdout + census.stderr


def test_scan_html_is_private_and_opens_cleanly(
    browser: Browser, host: HostBuilder, tmp_path: Path
) -> None:
    build_busy_host(host)
    target = tmp_path / "census.html"
    done = run_cli("scan", "--root", str(host.root), "--format", "html", "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with visit(browser, target) as seen:
        assert seen.requests == [target.resolve().as_uri()]
        assert seen.console_errors() == []
        assert seen.errors == []
        assert "webui.db" in seen.page.locator("main").inner_text()


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("tools", "ollama"), "Ollama"),
        (("tools",), "LM Studio"),
        (("watch", "--duration", "0.1"), "localproof watch"),
    ],
)
def test_other_commands_accept_html(command: tuple[str, ...], expected: str) -> None:
    done = run_cli(*command, "--format", "html")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!DOCTYPE html>")
    assert expected in done.stdout
    assert "<script" not in done.stdout

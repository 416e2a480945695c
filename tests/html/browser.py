"""Open a report in the Debian Chromium through Playwright, recording what the page does.

The browser is the system one (`apt-get install chromium`); Playwright only drives it, so
nothing is downloaded. The flags keep Chromium itself from contacting Google, so that every
request seen comes from the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


@dataclass
class Visit:
    """A page opened from a file, with every request, console message and page error."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("error", "warning")]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def visit(
    browser: Browser,
    report: Path,
    *,
    width: int = 1280,
    scheme: Literal["light", "dark"] = "light",
) -> Iterator[Visit]:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
        java_script_enabled=True,
    )
    page = context.new_page()
    seen = Visit(page)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.goto(report.resolve().as_uri(), wait_until="load")
    try:
        yield seen
    finally:
        context.close()


def screenshot(seen: Visit, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    seen.page.screenshot(path=str(target), full_page=full_page)
    return target

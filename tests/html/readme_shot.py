"""Regenerate the README's screenshot of the demo host's HTML report:

.venv/bin/python -m tests.html.readme_shot        (writes docs/report-demo.png)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tests.html.browser import chromium, visit

REPO = Path(__file__).resolve().parent.parent.parent
TARGET = REPO / "docs" / "report-demo.png"
WIDTH, HEIGHT = 1200, 1250


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        root, report = Path(scratch) / "demo-host", Path(scratch) / "report.html"
        subprocess.run([sys.executable, str(REPO / "examples/build_demo_host.py"), str(root)],
                       check=True, capture_output=True)  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "localproof", "audit", "--root", str(root), "--format",
             "html", "--output", str(report)],
            check=True,
        )  # fmt: skip
        with chromium() as browser, visit(browser, report, width=WIDTH) as seen:
            seen.page.evaluate("document.querySelector('.meta').textContent = "
                               "'Audited the demo host (examples/demo-host).'")  # fmt: skip
            clip = {"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT}
            seen.page.screenshot(path=str(TARGET), clip=clip, full_page=True)
    print(f"{TARGET} ({TARGET.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

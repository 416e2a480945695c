"""content.sensitive-data: the census of discovered stores inside the audit."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.builders import HostBuilder
from tests.builders.ollama import write_repl_history
from tests.conftest import findings_of

SSN = "536-22-1234"


def _audit(host: HostBuilder, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "localproof",
            "audit",
            "--root",
            str(host.root),
            "--format",
            "json",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert SSN not in done.stdout
    assert SSN.replace("-", "") not in done.stdout
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_counts_by_category_and_type_without_values(host: HostBuilder) -> None:
    home = host.user("dana", 1001)
    write_repl_history(home / ".ollama" / "history", [f"my SSN is {SSN} thanks"])
    (finding,) = findings_of(_audit(host), "content.sensitive-data")  # type: ignore[arg-type]
    assert finding["status"] == "fail"
    assert finding["evidence"][0]["detail"] == "ollama-history store holds pii: ssn 1"


def test_no_content_skips_the_census(host: HostBuilder) -> None:
    home = host.user("dana", 1001)
    write_repl_history(home / ".ollama" / "history", [f"my SSN is {SSN} thanks"])
    report = _audit(host, "--no-content")
    assert findings_of(report, "content.sensitive-data") == []  # type: ignore[arg-type]

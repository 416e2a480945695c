"""Jan 0.6 to 0.8.3 on Linux: the settings stores are read from WebKitGTK's localStorage
database (through a private copy with its WAL), answer the same checks as Jan 0.8.4+'s
settings.json, and give way to that file once it holds the stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from localproof.cli import run_audit
from localproof.render import OutputFormat, renderer
from tests.builders import HostBuilder
from tests.builders.jan import (
    ApiServer,
    analytics_blobs,
    api_server_blob,
    general_blob,
    write_local_storage,
    write_settings_file,
)
from tests.conftest import audit_report, findings_of
from tests.test_contracts import tree_state

APP = "/home/ann/.local/share/jan.ai.app"
DATABASE = f"{APP}/localstorage/tauri_localhost_0.localstorage"
DATA = "/home/ann/.local/share/Jan/data"
KNOB_CHECKS = ("exposure.risky-setting", "telemetry.usage-data-off", "update-check.automatic-off")


def _app(host: HostBuilder) -> Path:
    host.user("ann", 1000)
    return host.path(APP)


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    found = (f for check in KNOB_CHECKS for f in findings_of(report, check))
    return {f["resource"]: f["status"] for f in found if f["tool"] == "jan"}


def _exposed() -> dict[str, str]:
    return {
        "setting-local-api-server": api_server_blob(ApiServer(host="0.0.0.0")),
        "setting-general": general_blob(auto_update_check=False),
        **analytics_blobs(opted_in=True),
    }


def test_settings_in_local_storage_give_pass_and_fail(host: HostBuilder) -> None:
    write_local_storage(_app(host), _exposed())
    assert _statuses(audit_report(host.root)) == {
        "jan serverHost": "fail",
        "jan enableOnStartup": "pass",
        "jan corsEnabled": "fail",
        "jan productAnalytic": "fail",
        "jan autoUpdateCheck": "pass",
    }


def test_a_row_only_in_the_wal_is_read(host: HostBuilder) -> None:
    database = write_local_storage(
        _app(host), {}, wal_only={"productAnalytic": analytics_blobs(True)["productAnalytic"]}
    )
    assert Path(f"{database}-wal").stat().st_size > 0
    assert _statuses(audit_report(host.root))["jan productAnalytic"] == "fail"


def test_a_corrupt_database_is_unknown_with_the_reason(host: HostBuilder) -> None:
    _app(host)
    host.file(DATABASE, "this is not a database" * 200)
    report = audit_report(host.root)
    found = [f for check in KNOB_CHECKS for f in findings_of(report, check) if f["tool"] == "jan"]
    assert {f["status"] for f in found} == {"unknown"}
    assert all("not a readable SQLite database" in f["reason"] for f in found)


def test_settings_json_of_jan_0_8_4_wins(host: HostBuilder) -> None:
    write_local_storage(_app(host), _exposed())
    server = api_server_blob(ApiServer())
    write_settings_file(host.path(DATA), {"setting-local-api-server": server})
    statuses = _statuses(audit_report(host.root))
    assert statuses["jan serverHost"] == "pass"
    assert statuses["jan productAnalytic"] == "pass"  # the default: the file holds no consent


def test_no_api_key_reaches_any_report_format(host: HostBuilder) -> None:
    server = ApiServer(host="0.0.0.0", api_key="sk-CANARY-3e9d-local-storage-key")
    write_local_storage(_app(host), {"setting-local-api-server": api_server_blob(server)})
    assessment = run_audit(host.root)
    mine = {w.finding.resource: w.finding.status.value for w in assessment.findings}
    assert mine["jan serverHost"] == "fail"
    for output_format in OutputFormat:
        assert "CANARY" not in renderer(output_format)(assessment), output_format


def test_reading_local_storage_changes_nothing(host: HostBuilder) -> None:
    write_local_storage(_app(host), _exposed(), wal_only=analytics_blobs(False))
    before = tree_state(host.root)
    audit_report(host.root)
    assert tree_state(host.root) == before

"""Jan 0.8.4+ settings: each knob is read from inside the JSON text of its store in
`<data folder>/settings.json`, and the exposure, telemetry and update-check checks answer
from it; damaged stores and huge files are `unknown` with the reason."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from localproof.cli import run_audit
from localproof.collect import collect_host
from localproof.collect.settings import MAX_SETTINGS
from localproof.facts.settings import SettingsFile
from localproof.kb import load_kb
from localproof.render import OutputFormat, renderer
from tests.builders import HostBuilder
from tests.builders.jan import (
    ApiServer,
    analytics_blobs,
    api_server_blob,
    general_blob,
    proxy_blob,
    store_blob,
    write_settings_file,
)
from tests.conftest import audit_report, findings_of
from tests.test_contracts import tree_state

DATA = "/home/ann/.local/share/Jan/data"
SETTINGS = f"{DATA}/settings.json"
KNOB_CHECKS = ("exposure.risky-setting", "telemetry.usage-data-off", "update-check.automatic-off")
DEFAULTS = {
    "jan serverHost": "pass",  # 127.0.0.1
    "jan enableOnStartup": "pass",  # the server is started by hand
    "jan corsEnabled": "fail",  # on by default
    "jan productAnalytic": "pass",  # opt-in
    "jan autoUpdateCheck": "fail",  # on by default
}
SERVER_KNOBS = ("jan serverHost", "jan enableOnStartup", "jan corsEnabled")


def _ann(host: HostBuilder) -> Path:
    host.user("ann", 1000)
    return host.path(DATA)


def _jan(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Jan's findings of the knob checks, by resource."""
    found = (f for check in KNOB_CHECKS for f in findings_of(report, check))
    return {f["resource"]: f for f in found if f["tool"] == "jan"}


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {resource: f["status"] for resource, f in _jan(report).items()}


def _settings(root: Path) -> SettingsFile:
    facts = collect_host(root, load_kb())
    return next(s for s in facts.settings if s.path == SETTINGS)


# -- the reader ----------------------------------------------------------------------------


def test_values_are_read_from_inside_each_store(host: HostBuilder) -> None:
    stores = {
        "setting-local-api-server": api_server_blob(ApiServer(host="0.0.0.0", port=8337)),
        "setting-general": general_blob(auto_update_check=False),
        **analytics_blobs(opted_in=True),
    }
    write_settings_file(_ann(host), stores)
    item = _settings(host.root)
    assert (item.error, item.unreadable) == (None, {})
    assert item.values == {
        "serverHost": "0.0.0.0",
        "serverPort": "8337",
        "enableOnStartup": "false",
        "corsEnabled": "true",
        "productAnalytic": "true",
        "autoUpdateCheck": "false",
    }


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (
            '{"state":{"serverHost":"0.0.0.0"',
            "the 'setting-local-api-server' entry is not valid JSON",
        ),
        ("[" * 100_000, "the 'setting-local-api-server' entry is not valid JSON"),
        (1337, "the 'setting-local-api-server' entry is not JSON text"),
        ('{"state":[1, 2],"version":3}', "the 'setting-local-api-server.state' entry is not"),
    ],
)
def test_a_damaged_store_makes_only_its_knobs_unreadable(
    host: HostBuilder, entry: object, reason: str
) -> None:
    path = write_settings_file(_ann(host), analytics_blobs(opted_in=False))
    stores = json.loads(path.read_text())
    stores["setting-local-api-server"] = entry
    path.write_text(json.dumps(stores, indent=2))
    item = _settings(host.root)
    assert item.error is None
    server = {"serverHost", "serverPort", "enableOnStartup", "corsEnabled", "apiKey"}
    assert set(item.unreadable) == server
    assert all(text.startswith(reason) for text in item.unreadable.values())
    assert item.values == {"productAnalytic": "false"}


def test_a_store_kept_as_an_object_is_read_too(host: HostBuilder) -> None:
    _ann(host)
    host.file(SETTINGS, '{"setting-local-api-server": {"state": {"serverHost": "0.0.0.0"}}}')
    assert _settings(host.root).values == {"serverHost": "0.0.0.0"}


def test_a_huge_file_is_not_read(host: HostBuilder) -> None:
    _ann(host)
    os.truncate(host.file(SETTINGS, "{}"), MAX_SETTINGS + 1)  # sparse: no disk used
    assert _settings(host.root).error == "larger than 8 MiB, not read"


# -- the checks ----------------------------------------------------------------------------


def test_defaults_apply_when_no_store_was_saved(host: HostBuilder) -> None:
    write_settings_file(_ann(host), {})  # a fresh 0.8.4: the flag and the theme only
    report = audit_report(host.root)
    assert _statuses(report) == DEFAULTS
    evidence = _jan(report)["jan autoUpdateCheck"]["evidence"]
    assert evidence == [
        {
            "source": SETTINGS,
            "detail": "autoUpdateCheck not set: the default (true) applies: "
            "Checks for a new Jan version soon after start and then periodically.",
        }
    ]


def test_a_server_on_every_interface_with_cors_fails(host: HostBuilder) -> None:
    server = ApiServer(host="0.0.0.0", cors=True, on_startup=True)
    write_settings_file(_ann(host), {"setting-local-api-server": api_server_blob(server)})
    report = audit_report(host.root)
    assert _statuses(report) == {**DEFAULTS, **dict.fromkeys(SERVER_KNOBS, "fail")}
    finding = _jan(report)["jan serverHost"]
    assert finding["evidence"] == [
        {"source": SETTINGS, "detail": "serverHost is set to a value that turns it on"}
    ]
    assert finding["remediation"] == "Set `serverHost` to `127.0.0.1` in its settings."


def test_a_loopback_server_without_cors_passes(host: HostBuilder) -> None:
    server = ApiServer(cors=False, on_startup=True)
    write_settings_file(_ann(host), {"setting-local-api-server": api_server_blob(server)})
    statuses = _statuses(audit_report(host.root))
    assert (statuses["jan serverHost"], statuses["jan corsEnabled"]) == ("pass", "pass")
    assert statuses["jan enableOnStartup"] == "fail"


@pytest.mark.parametrize(("opted_in", "status"), [(True, "fail"), (False, "pass")])
def test_analytics(host: HostBuilder, opted_in: bool, status: str) -> None:
    write_settings_file(_ann(host), analytics_blobs(opted_in))
    assert _statuses(audit_report(host.root))["jan productAnalytic"] == status


@pytest.mark.parametrize(("on", "status"), [(True, "fail"), (False, "pass")])
def test_automatic_update_checks(host: HostBuilder, on: bool, status: str) -> None:
    write_settings_file(_ann(host), {"setting-general": general_blob(auto_update_check=on)})
    assert _statuses(audit_report(host.root))["jan autoUpdateCheck"] == status


def test_a_damaged_store_is_unknown_with_the_reason_and_the_run_goes_on(
    host: HostBuilder,
) -> None:
    stores = {
        "setting-local-api-server": '{"state":{"serverHost":"0.0.0.0"',
        **analytics_blobs(True),
    }
    write_settings_file(_ann(host), stores)
    host.process(70, ["ollama", "serve"])
    report = audit_report(host.root)
    found = _jan(report)
    for resource in SERVER_KNOBS:
        assert found[resource]["status"] == "unknown"
        assert found[resource]["reason"] == (
            f"settings not readable: {SETTINGS} "
            "(the 'setting-local-api-server' entry is not valid JSON)"
        )
    assert found["jan productAnalytic"]["status"] == "fail"  # its own store is intact
    assert findings_of(report, "exposure.api-beyond-loopback")  # the rest still ran


@pytest.mark.parametrize(
    ("damage", "reason"),
    [("not json {", "not valid json"), (None, "larger than 8 MiB, not read")],
)
def test_an_unreadable_file_is_unknown_for_every_knob(
    host: HostBuilder, damage: str | None, reason: str
) -> None:
    _ann(host)
    path = host.file(SETTINGS, damage or "{}")
    if damage is None:
        os.truncate(path, MAX_SETTINGS + 1)
    found = _jan(audit_report(host.root))
    assert {resource: f["status"] for resource, f in found.items()} == dict.fromkeys(
        DEFAULTS, "unknown"
    )
    assert {f["reason"] for f in found.values()} == {
        f"settings not readable: {SETTINGS} ({reason})"
    }


def test_jan_before_0_8_4_has_no_settings_to_read(host: HostBuilder) -> None:
    _ann(host)
    host.file(f"{DATA}/threads/t1/thread.json", "{}")  # settings in the web view's storage
    found = _jan(audit_report(host.root))
    assert {f["status"] for f in found.values()} == {"unknown"}
    assert found["jan autoUpdateCheck"]["reason"].startswith("no running process")


def test_no_key_password_or_host_reaches_any_report_format(host: HostBuilder) -> None:
    server = ApiServer(
        host="0.0.0.0", api_key="sk-CANARY-7d1e0a-api-key", trusted_hosts=("canary-9f3b.lan",)
    )
    proxy = proxy_blob("http://CANARY-2c44.example:3128", "ann", "CANARY-51aa-password")
    stores = {"setting-local-api-server": api_server_blob(server), "setting-proxy-config": proxy}
    write_settings_file(_ann(host), stores)
    assessment = run_audit(host.root)
    mine = {w.finding.resource: w.finding.status.value for w in assessment.findings}
    assert mine["jan serverHost"] == "fail"
    for output_format in OutputFormat:
        text = renderer(output_format)(assessment)
        assert "CANARY" not in text, output_format
        assert "canary" not in text, output_format


def test_reading_jan_settings_changes_nothing(host: HostBuilder) -> None:
    server = api_server_blob(ApiServer(host="0.0.0.0"))
    write_settings_file(_ann(host), {"setting-local-api-server": server, **analytics_blobs(True)})
    before = tree_state(host.root)
    audit_report(host.root)
    assert tree_state(host.root) == before


def test_a_store_blob_is_what_zustand_writes() -> None:
    assert (
        store_blob({"productAnalytic": False}) == '{"state":{"productAnalytic":false},"version":0}'
    )

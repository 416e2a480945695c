"""Jan's local API server as its saved settings describe it (Jan 0.8.4+,
`<data folder>/settings.json`): where it binds and whether it starts with the app
(exposure.api-beyond-loopback, for a disk image or a Jan that is not running; live sockets
win), whether it asks for the API key written beside it (auth.api-credentials), and who
can read the file holding that key and the proxy password (permissions.secret-private)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from localproof.cli import run_audit
from localproof.render import OutputFormat, renderer
from tests.builders import HostBuilder
from tests.builders.jan import ApiServer, api_server_blob, proxy_blob, write_settings_file
from tests.conftest import audit_report, findings_of, statuses

DATA = "/home/ann/.local/share/Jan/data"
SETTINGS = f"{DATA}/settings.json"
EXPOSURE = "exposure.api-beyond-loopback"
AUTH = "auth.api-credentials"
SECRETS = "permissions.secret-private"
SERVER = f"{SETTINGS} API server"
KEY = f"{SETTINGS} API key"


def _jan(
    host: HostBuilder,
    server: ApiServer | None = None,
    *,
    proxy_password: str | None = None,
    mode: int = 0o600,
) -> Path:
    """Ann's Jan 0.8.4+ data folder with these saved stores, on a disk image (no proc/)."""
    host.user("ann", 1000)
    stores: dict[str, str] = {}
    if server is not None:
        stores["setting-local-api-server"] = api_server_blob(server)
    if proxy_password is not None:
        stores["setting-proxy-config"] = proxy_blob("http://proxy.lan:3128", "ann", proxy_password)
    path = write_settings_file(host.path(DATA), stores)
    path.chmod(mode)
    return path


def _finding(report: dict[str, Any], check: str, resource: str) -> dict[str, Any]:
    return next(f for f in findings_of(report, check) if f["resource"] == resource)


def _details(finding: dict[str, Any]) -> list[str]:
    return [f"{item['source']}: {item['detail']}" for item in finding["evidence"]]


# -- exposure.api-beyond-loopback --------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "status", "details"),
    [
        (
            ApiServer(host="0.0.0.0", on_startup=True),
            "fail",
            [
                f"{SETTINGS}: setting-local-api-server store: serverHost binds the server to "
                "0.0.0.0:1337 (all interfaces)",
                f"{SETTINGS}: enableOnStartup is on: the server starts whenever the app opens",
                "access: reachable from other machines whenever Jan runs",
            ],
        ),
        (
            ApiServer(host="0.0.0.0", port=8337, on_startup=False),
            "fail",  # like a stopped container that publishes a port: configured, not running
            [
                f"{SETTINGS}: setting-local-api-server store: serverHost binds the server to "
                "0.0.0.0:8337 (all interfaces)",
                f"{SETTINGS}: enableOnStartup is off: the server does not start with the "
                "app, only when started by hand",
                "access: reachable from other machines once it is started",
            ],
        ),
        (
            ApiServer(host="127.0.0.1", on_startup=True),
            "pass",
            [
                f"{SETTINGS}: setting-local-api-server store: serverHost binds the server to "
                "127.0.0.1:1337 (loopback)",
                f"{SETTINGS}: enableOnStartup is on: the server starts whenever the app opens",
            ],
        ),
        (
            None,  # a fresh 0.8.4: no saved store, the defaults apply
            "pass",
            [
                f"{SETTINGS}: setting-local-api-server store: serverHost not set: the server "
                "binds to the default 127.0.0.1:1337 (loopback)",
                f"{SETTINGS}: enableOnStartup is off: the server does not start with the "
                "app, only when started by hand",
            ],
        ),
    ],
)
def test_saved_address_on_a_disk_image(
    host: HostBuilder, server: ApiServer | None, status: str, details: list[str]
) -> None:
    _jan(host, server)
    report = audit_report(host.root)
    assert statuses(report, EXPOSURE) == {("jan", SERVER, status)}
    finding = _finding(report, EXPOSURE, SERVER)
    assert _details(finding) == details
    if status == "fail":
        assert finding["severity"] == "high"  # the key is optional: not "critical"
        assert "Set `serverHost` to 127.0.0.1 in Jan's settings" in finding["remediation"]


def test_a_damaged_server_store_is_unknown_with_the_reason(host: HostBuilder) -> None:
    path = _jan(host)
    stores = json.loads(path.read_text())
    stores["setting-local-api-server"] = '{"state":{"serverHost":"0.0.0.0"'
    path.write_text(json.dumps(stores))
    report = audit_report(host.root)
    assert statuses(report, EXPOSURE) == {("jan", SERVER, "unknown")}
    assert _finding(report, EXPOSURE, SERVER)["reason"] == (
        f"saved settings not readable: {SETTINGS} "
        "(the 'setting-local-api-server' entry is not valid JSON)"
    )


def test_without_saved_settings_the_listen_address_stays_unknown(host: HostBuilder) -> None:
    host.user("ann", 1000)
    host.file(f"{DATA}/threads/t1/thread.json", "{}")  # Jan 0.6 to 0.8.3: settings elsewhere
    assert statuses(audit_report(host.root), EXPOSURE) == {("jan", "jan listeners", "unknown")}


def test_live_sockets_win_while_jan_runs(host: HostBuilder) -> None:
    _jan(host, ApiServer(host="0.0.0.0", on_startup=True))  # changed since the server started
    host.process(4100, ["/usr/bin/Jan"], uid=1000)
    host.listen(4100, "127.0.0.1", 1337, uid=1000)
    report = audit_report(host.root)
    assert statuses(report, EXPOSURE) == {("jan", "127.0.0.1:1337/tcp", "pass")}


def test_a_running_jan_without_a_socket_falls_back_to_its_settings(host: HostBuilder) -> None:
    _jan(host, ApiServer(host="0.0.0.0", on_startup=True))
    host.process(4100, ["/usr/bin/Jan"], uid=1000)
    host.ensure_net_tables()
    report = audit_report(host.root)
    assert statuses(report, EXPOSURE) == {("jan", SERVER, "fail")}
    details = _details(_finding(report, EXPOSURE, SERVER))
    assert "/proc/net: Jan is running and none of its processes was seen listening" in details


# -- auth.api-credentials ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "status", "severity"),
    [
        (ApiServer(host="0.0.0.0", on_startup=True), "fail", "high"),
        (ApiServer(host="0.0.0.0", on_startup=False), "fail", "high"),
        (ApiServer(host="127.0.0.1", on_startup=True), "fail", "low"),
        (ApiServer(host="127.0.0.1", on_startup=False), "not_applicable", None),
        (None, "not_applicable", None),
        (ApiServer(host="0.0.0.0", on_startup=True, api_key="sk-set"), "pass", None),
    ],
)
def test_the_saved_api_key(
    host: HostBuilder, server: ApiServer | None, status: str, severity: str | None
) -> None:
    _jan(host, server)
    report = audit_report(host.root)
    assert statuses(report, AUTH) == {("jan", KEY, status)}
    finding = _finding(report, AUTH, KEY)
    if status == "fail":
        assert finding["severity"] == severity
        assert _details(finding)[0] == (
            f"{SETTINGS}: no API key is set (`apiKey` in the setting-local-api-server store "
            "is empty): the server answers anyone who reaches it"
        )
    if status == "not_applicable":
        assert "(enableOnStartup is off) and was not seen listening" in finding["reason"]


def test_a_set_key_is_noted_with_who_can_read_the_file(host: HostBuilder) -> None:
    _jan(host, ApiServer(api_key="sk-set"), mode=0o644)
    finding = _finding(audit_report(host.root), AUTH, KEY)
    assert finding["status"] == "pass"
    assert _details(finding) == [
        f"{SETTINGS}: an API key is set (`apiKey` in the setting-local-api-server store), "
        "in plain text",
        f"{SETTINGS}: the file is mode 0644, uid {Path(host.path(SETTINGS)).stat().st_uid}: "
        "readable by every user on the host (permissions.secret-private)",
    ]


@pytest.mark.parametrize(("address", "severity"), [("0.0.0.0", "high"), ("127.0.0.1", "low")])
def test_a_listening_server_without_a_key(host: HostBuilder, address: str, severity: str) -> None:
    _jan(host, ApiServer(host="127.0.0.1", on_startup=False))
    host.process(4100, ["/usr/bin/Jan"], uid=1000)
    host.listen(4100, address, 1337, uid=1000)  # started by hand
    report = audit_report(host.root)
    assert statuses(report, AUTH) == {("jan", KEY, "fail")}
    finding = _finding(report, AUTH, KEY)
    assert finding["severity"] == severity
    assert f"/proc/net: listening on {address}:1337/tcp" in _details(finding)


def test_a_damaged_key_store_is_unknown(host: HostBuilder) -> None:
    path = _jan(host)
    stores = json.loads(path.read_text())
    stores["setting-local-api-server"] = 1337
    path.write_text(json.dumps(stores))
    report = audit_report(host.root)
    assert statuses(report, AUTH) == {("jan", KEY, "unknown")}
    assert _finding(report, AUTH, KEY)["reason"] == (
        f"settings not readable: {SETTINGS} (the 'setting-local-api-server' entry is not JSON text)"
    )


# -- permissions.secret-private ------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "status", "severity"),
    [(0o600, "pass", None), (0o640, "fail", "medium"), (0o644, "fail", "high")],
)
def test_a_settings_file_holding_a_key(
    host: HostBuilder, mode: int, status: str, severity: str | None
) -> None:
    _jan(host, ApiServer(api_key="sk-set"), proxy_password="pw-set", mode=mode)
    report = audit_report(host.root)
    assert statuses(report, SECRETS) == {("jan", SETTINGS, status)}
    finding = _finding(report, SECRETS, SETTINGS)
    assert _details(finding)[0].startswith(
        f"{SETTINGS}: settings (json) holding secrets in plain text: `apiKey` in the "
        "setting-local-api-server store, `proxyPassword` in the setting-proxy-config store; "
        f"mode {mode:04o}"
    )
    if severity:
        assert finding["severity"] == severity
        assert f"chmod 700 '{DATA}'" in finding["remediation"]


def test_a_proxy_password_alone_makes_it_a_secret_file(host: HostBuilder) -> None:
    _jan(host, ApiServer(), proxy_password="pw-set", mode=0o644)
    finding = _finding(audit_report(host.root), SECRETS, SETTINGS)
    assert finding["status"] == "fail"
    assert (
        "plain text: `proxyPassword` in the setting-proxy-config store;"
        in finding["evidence"][0]["detail"]
    )


def test_a_file_without_secrets_is_no_secret_file(host: HostBuilder) -> None:
    _jan(host, ApiServer(), proxy_password="", mode=0o644)
    assert statuses(audit_report(host.root), SECRETS) == set()


def test_an_unreadable_file_cannot_tell_whether_it_holds_secrets(host: HostBuilder) -> None:
    _jan(host).write_text("not json {")
    report = audit_report(host.root)
    assert statuses(report, SECRETS) == {("jan", SETTINGS, "unknown")}
    assert _finding(report, SECRETS, SETTINGS)["reason"] == (
        f"cannot tell whether it holds secrets: {SETTINGS} (not valid json)"
    )


# -- no secret in any report ---------------------------------------------------------------


def test_planted_key_and_password_reach_no_report_format(host: HostBuilder) -> None:
    server = ApiServer(host="0.0.0.0", on_startup=True, api_key="sk-CANARY-4e1f-api-key")
    _jan(host, server, proxy_password="CANARY-8b20-proxy-password", mode=0o644)
    assessment = run_audit(host.root)
    found = {(w.finding.check.id, w.finding.status.value) for w in assessment.findings}
    assert {(EXPOSURE, "fail"), (AUTH, "pass"), (SECRETS, "fail")} <= found
    for output_format in OutputFormat:
        text = renderer(output_format)(assessment)
        assert "CANARY" not in text, output_format
        assert "4e1f" not in text, output_format
        assert "8b20" not in text, output_format

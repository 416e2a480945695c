"""A moved Jan data folder: the app configuration (`<data dir>/Jan/settings.json`, or an
older place) names it under `data_folder`, and discovery follows it through the audit root
to the threads, the settings store and the model providers; a configuration that cannot
be followed is a limitation with the reason, and reading it changes nothing."""

from __future__ import annotations

import json
import os
from typing import Any

import jsonschema
import pytest

from tests.builders import HostBuilder
from tests.builders.jan import (
    ApiServer,
    Provider,
    api_server_blob,
    write_app_config,
    write_settings_file,
    write_settings_store,
)
from tests.conftest import audit_report, findings_of, statuses
from tests.test_contracts import SCHEMA, tree_state

CONFIG = "/home/ann/.local/share/Jan/settings.json"
MOVED = "/mnt/big/jan"
NOT_FOLLOWED = "the data folder it names is not followed"


def _stores(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    tools = {tool["slug"]: tool for tool in report["tools"]}
    if "jan" not in tools:
        return set()
    return {(s["kind"], s["path"], s["owner"]) for s in tools["jan"]["stores"]}


def _limitations(report: dict[str, Any]) -> list[str]:
    return list(report["summary"]["limitations"])


def _moved_jan(host: HostBuilder, config: str = CONFIG, folder: str = MOVED) -> None:
    """Ann moved her data folder to a second disk; the old default folder is gone."""
    host.user("ann", 1000)
    write_app_config(host.path(config).parent, folder)
    host.file(f"{MOVED}/threads/01J/thread.json", '{"id": "01J"}')
    host.file(f"{MOVED}/threads/01J/messages.jsonl", "{}\n")
    server = ApiServer(host="0.0.0.0", on_startup=True)
    write_settings_file(host.path(MOVED), {"setting-local-api-server": api_server_blob(server)})


def test_the_stores_of_a_moved_data_folder_are_found(host: HostBuilder) -> None:
    _moved_jan(host)
    report = audit_report(host.root)
    assert _stores(report) == {
        ("config", CONFIG, "ann"),
        ("conversations", f"{MOVED}/threads", "ann"),
        ("settings", f"{MOVED}/settings.json", "ann"),
    }
    server = f"{MOVED}/settings.json API server"
    assert statuses(report, "exposure.api-beyond-loopback") == {("jan", server, "fail")}
    # judged like any thread folder: 0755, as the fixture made it
    assert ("jan", f"{MOVED}/threads", "fail") in statuses(report, "permissions.store-private")


@pytest.mark.parametrize(
    "config",
    [
        "/home/ann/.local/share/jan.ai.app/settings.json",  # before #7898
        "/home/ann/.config/Jan/settings.json",  # Linux, while ~/.config/Jan existed
    ],
)
def test_older_places_of_the_app_configuration(host: HostBuilder, config: str) -> None:
    _moved_jan(host, config)
    assert ("conversations", f"{MOVED}/threads", "ann") in _stores(audit_report(host.root))


def test_a_windows_disk_with_the_folder_on_the_system_drive(host: HostBuilder) -> None:
    host.user("dave", 1000, home="/Users/dave")
    config = host.path("/Users/dave/AppData/Roaming/Jan")
    write_app_config(config, "C:\\Users\\dave\\Documents\\Jan Data")
    host.file("/Users/dave/Documents/Jan Data/threads/01J/thread.json", "{}")
    report = audit_report(host.root)
    threads = ("conversations", "/Users/dave/Documents/Jan Data/threads", "dave")
    assert threads in _stores(report)
    assert not [n for n in _limitations(report) if NOT_FOLLOWED in n]


def test_model_providers_follow_the_moved_folder(host: HostBuilder) -> None:
    host.user("ann", 1000)
    write_app_config(host.path(CONFIG).parent, MOVED)
    openai = Provider("openai", "https://api.openai.com/v1")
    write_settings_store(host.path(MOVED), [Provider("llamacpp"), openai], selected="openai")
    report = audit_report(host.root)
    check = "cloud.remote-model-connections"
    assert statuses(report, check) == {("jan", "jan model providers (ann)", "fail")}
    (finding,) = findings_of(report, check)
    assert finding["evidence"][0]["source"] == f"{MOVED}/settings.json"


def test_the_default_folder_named_again_is_found_once(host: HostBuilder) -> None:
    host.user("ann", 1000)
    default = "/home/ann/.local/share/Jan/data"
    write_app_config(host.path(CONFIG).parent, default)
    write_settings_file(host.path(default), {})
    report = audit_report(host.root)
    assert _stores(report) == {
        ("config", CONFIG, "ann"),
        ("settings", f"{default}/settings.json", "ann"),
    }


def test_the_app_configuration_alone_shows_jan_is_installed(host: HostBuilder) -> None:
    host.user("ann", 1000)
    write_app_config(host.path(CONFIG).parent, "/home/ann/.local/share/Jan/data")
    assert _stores(audit_report(host.root)) == {("config", CONFIG, "ann")}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"data_folder": "/mnt/big', "not valid JSON"),
        ('{"modelscope_token": "x"}', "no 'data_folder' folder in it"),
        ('["/mnt/big/jan"]', "no 'data_folder' folder in it"),
        ('{"data_folder": "./data"}', "'data_folder' is not an absolute path on this disk"),
        ('{"data_folder": "D:\\\\jan"}', "'data_folder' is not an absolute path on this disk"),
        (None, "larger than 64 KiB"),
    ],
)
def test_a_configuration_that_cannot_be_followed_is_a_limitation(
    host: HostBuilder, text: str | None, reason: str
) -> None:
    host.user("ann", 1000)
    path = host.file(CONFIG, text or "{}")
    if text is None:
        os.truncate(path, (64 << 10) + 1)
    host.file("/home/ann/.local/share/Jan/data/threads/01J/thread.json", "{}")
    report = audit_report(host.root)
    assert f"{CONFIG}: {reason}: {NOT_FOLLOWED}" in _limitations(report)
    assert ("config", CONFIG, "ann") in _stores(report)  # the audit goes on
    assert findings_of(report, "permissions.store-private")


def test_a_folder_in_place_of_the_configuration(host: HostBuilder) -> None:
    host.user("ann", 1000)
    host.directory(CONFIG)
    report = audit_report(host.root)
    assert f"{CONFIG}: not a regular file: {NOT_FOLLOWED}" in _limitations(report)


def test_a_moved_folder_behind_a_link_stays_inside_the_root(host: HostBuilder) -> None:
    _moved_jan(host, folder="/data/jan")
    host.symlink("/data/jan", MOVED)  # absolute: the audited disk's /mnt/big/jan
    report = audit_report(host.root)
    assert ("conversations", "/data/jan/threads", "ann") in _stores(report)


def test_following_the_data_folder_changes_nothing(host: HostBuilder) -> None:
    _moved_jan(host)
    before = tree_state(host.root)
    report = audit_report(host.root)
    assert tree_state(host.root) == before
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(report)

"""Backup, sync, history and prompt-log files in their clients' real formats.

- rsnapshot.conf: rsnapshot/rsnapshot rsnapshot.conf.default.in (tabs between elements,
  directories with a trailing slash, `snapshot_root`, `interval`, `backup`, `exclude`).
- Timeshift: linuxmint/timeshift src/Core/Main.vala save_app_config() keys, string values
  "true"/"false" as Timeshift writes them; default excludes from add_default_exclude_entries.
- borg repository `config`: borgbackup/borg src/borg/repository.py create()/save_key()
  (ConfigParser, `[repository]` version, segments_per_dir, max_segment_size, append_only,
  storage_quota, additional_free_space, id, and `key` in repokey mode).
- borgmatic: borgmatic docs/reference/configuration (`source_directories`, `repositories`
  with `path`/`label`/`encryption`, `exclude_patterns`).
- Dropbox `~/.dropbox/info.json`: Dropbox help "locate the Dropbox folder
  programmatically" ({"personal": {"path", "host", "is_team", "subscription_type"}}).
- Nextcloud `nextcloud.cfg`: nextcloud/desktop src/gui/folderman.cpp, folder.cpp
  (`[Accounts]`, `<n>\\Folders\\<id>\\localPath`).
- Syncthing `config.xml`: syncthing-config(5) example (`<folder id label path type>`).
- OneDrive: abraunegg/onedrive `config` (`sync_dir = "~/OneDrive"`, quoted values).
- Shell histories: bash(1) HISTORY (`#<epoch>` lines with HISTTIMEFORMAT), zsh Src/hist.c
  EXTENDED_HISTORY (`: <start>:<elapsed>;cmd`), fish src/history/yaml_compat.rs.
- llm `logs.db`: simonw/llm llm/migrations.py (m010 `conversations` and `responses`).
- Ollama request logs: ollama/ollama server/inference_request_log.go (file names).
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import struct
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from tests.builders.host import HostBuilder

RSNAPSHOT_HEADER = (
    "#################################################\n"
    "# rsnapshot.conf - rsnapshot configuration file #\n"
    "#################################################\n"
    "config_version\t1.2\n"
)


def rsnapshot_conf(
    host: HostBuilder,
    *,
    snapshot_root: str,
    backups: Sequence[str],
    excludes: Sequence[str] = (),
    separator: str = "\t",
) -> Path:
    """/etc/rsnapshot.conf backing up each local directory in `backups` to localhost/."""
    lines = [RSNAPSHOT_HEADER, f"snapshot_root{separator}{snapshot_root}\n"]
    lines += ["cmd_cp\t/bin/cp\n", "cmd_rm\t/bin/rm\n", "cmd_rsync\t/usr/bin/rsync\n"]
    lines += ["retain\tdaily\t7\n", "retain\tweekly\t4\n", "verbose\t\t2\n", "loglevel\t3\n"]
    lines += [f"exclude{separator}{pattern}\n" for pattern in excludes]
    lines += [f"backup{separator}{source}{separator}localhost{source}\n" for source in backups]
    return host.file("/etc/rsnapshot.conf", "".join(lines))


def timeshift_json(
    host: HostBuilder,
    *,
    btrfs: bool = False,
    include_btrfs_home: bool = False,
    exclude: Sequence[str] | None = None,
) -> Path:
    settings: dict[str, object] = {
        "backup_device_uuid": "6f1e2c55-4a5b-4c1e-9d2f-8d0a5c7e9b11",
        "parent_device_uuid": "",
        "do_first_run": "false",
        "btrfs_mode": "true" if btrfs else "false",
        "include_btrfs_home_for_backup": "true" if include_btrfs_home else "false",
        "include_btrfs_home_for_restore": "false",
        "stop_cron_emails": "true",
        "schedule_monthly": "false",
        "schedule_weekly": "false",
        "schedule_daily": "true",
        "schedule_hourly": "false",
        "schedule_boot": "false",
        "count_daily": "5",
        "snapshot_size": "0",
        "snapshot_count": "0",
    }
    if exclude is not None:
        settings["exclude"] = list(exclude)
        settings["exclude-apps"] = []
    text = json.dumps(settings, indent=2).replace('": ', '" : ')  # json-glib's spacing
    return host.file("/etc/timeshift/timeshift.json", text + "\n")


BORG_KEY_TYPES = {"keyfile": 0x00, "repokey": 0x03, "none": 0x02, "authenticated": 0x07}


def borg_repository(
    host: HostBuilder, path: str, *, mode: str, home: str | None = None, objects: bool = True
) -> str:
    """A borg 1.x repository: `config`, README, and (with objects) segment data/0/1 holding
    the manifest PUT and a COMMIT. mode: "repokey", "keyfile", "none" or "authenticated"
    (repokey and authenticated keep the key in the config). Returns the repository id."""
    repo_id = secrets.token_hex(32)
    config = (
        "[repository]\nversion = 1\nsegments_per_dir = 1000\nmax_segment_size = 524288000\n"
        "append_only = 0\nstorage_quota = 0\nadditional_free_space = 0\n"
        f"id = {repo_id}\n"
    )
    key_blob = "hqlhbGdvcml0aG2mc2hhMjU2pGRhdGHaAZ4" + secrets.token_hex(40)
    if mode in ("repokey", "authenticated"):
        config += f"key = {key_blob[:60]}\n\t{key_blob[60:]}\n"
    readme = "This is a Borg Backup repository.\nSee https://borgbackup.readthedocs.io/\n"
    host.file(f"{path}/README", readme)
    host.file(f"{path}/config", config + "\n", mode=0o600)
    host.directory(f"{path}/data", mode=0o700)
    if objects:
        host.file(f"{path}/data/0/1", _borg_segment(BORG_KEY_TYPES[mode]), mode=0o600)
    if mode == "keyfile" and home:
        key_file = f"BORG_KEY {repo_id}\n{key_blob}\n"
        host.file(f"{home}/.config/borg/keys/repo", key_file, mode=0o600)
    return repo_id


def _borg_segment(key_type: int) -> bytes:
    """MAGIC, a PUT of the manifest (id of 32 zero bytes) whose object starts with the key
    type byte, then a COMMIT (repository.py LoggedIO.write_put / write_commit)."""
    payload = bytes([key_type]) + secrets.token_bytes(64)
    size = 41 + len(payload)
    body = struct.pack("<IB", size, 0) + bytes(32) + payload
    put = struct.pack("<I", zlib.crc32(body)) + body
    commit_body = struct.pack("<IB", 9, 2)
    commit = struct.pack("<I", zlib.crc32(commit_body)) + commit_body
    return b"BORG_SEG" + put + commit


def borgmatic_yaml(
    host: HostBuilder,
    path: str,
    *,
    sources: Sequence[str],
    repositories: Sequence[tuple[str, str | None]],
    excludes: Sequence[str] = (),
) -> Path:
    lines = ["source_directories:\n", *[f"    - {s}\n" for s in sources], "\nrepositories:\n"]
    for repository, encryption in repositories:
        lines.append(f"    - path: {repository}\n      label: backups\n")
        if encryption:
            lines.append(f"      encryption: {encryption}\n")
    if excludes:
        lines += ["\nexclude_patterns:\n", *[f"    - '{e}'\n" for e in excludes]]
    lines += [
        "\nkeep_daily: 7\nkeep_weekly: 4\n",
        "\nencryption_passcommand: secret-tool lookup borg repo\n",
    ]
    return host.file(path, "".join(lines), mode=0o600)


def dropbox_info(
    host: HostBuilder, home: str, dropbox_path: str, *, host_id: int = 4242424242
) -> Path:
    info = {
        "personal": {
            "path": dropbox_path,
            "host": host_id,
            "is_team": False,
            "subscription_type": "Basic",
        }
    }
    host.directory(f"{home}/.dropbox", mode=0o700)
    return host.file(f"{home}/.dropbox/info.json", json.dumps(info), mode=0o600)


def nextcloud_cfg(
    host: HostBuilder, home: str, local_path: str, *, url: str = "https://cloud.example.org"
) -> Path:
    text = (
        "[General]\nclientVersion=3.13.2git\nisVfsEnabled=false\n\n[Accounts]\n"
        f"0\\Folders\\1\\ignoreHiddenFiles=false\n0\\Folders\\1\\localPath={local_path}\n"
        "0\\Folders\\1\\paused=false\n0\\Folders\\1\\targetPath=/\n0\\Folders\\1\\version=2\n"
        f"0\\authType=webflow\n0\\dav_user=alice\n0\\url={url}\n0\\version=1\nversion=2\n"
    )
    return host.file(f"{home}/.config/Nextcloud/nextcloud.cfg", text, mode=0o600)


def syncthing_config(
    host: HostBuilder, home: str, folder_path: str, *, state_dir: bool = True
) -> Path:
    device = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD"
    text = (
        '<configuration version="37">\n'
        f'    <folder id="default" label="Default Folder" path="{folder_path}" type="sendreceive"'
        ' rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="10" ignorePerms="false"'
        ' autoNormalize="true">\n'
        "        <filesystemType>basic</filesystemType>\n"
        f'        <device id="{device}" introducedBy=""></device>\n'
        "    </folder>\n"
        f'    <device id="{device}" name="laptop" compression="metadata" introducer="false">\n'
        "        <address>dynamic</address>\n    </device>\n"
        '    <gui enabled="true" tls="false"><address>127.0.0.1:8384</address></gui>\n'
        "</configuration>\n"
    )
    directory = ".local/state/syncthing" if state_dir else ".config/syncthing"
    return host.file(f"{home}/{directory}/config.xml", text, mode=0o600)


def onedrive_config(host: HostBuilder, home: str, sync_dir: str) -> Path:
    text = (
        "# Configuration for OneDrive Linux Client\n"
        f'sync_dir = "{sync_dir}"\nmonitor_interval = "300"\n'
    )
    return host.file(f"{home}/.config/onedrive/config", text, mode=0o600)


def bash_history(
    host: HostBuilder,
    home: str,
    commands: Sequence[str],
    *,
    timestamps: bool = False,
    uid: int | None = None,
) -> Path:
    lines = []
    for index, command in enumerate(commands):
        if timestamps:
            lines.append(f"#{1748851200 + index * 60}\n")
        lines.append(f"{command}\n")
    return host.file(f"{home}/.bash_history", "".join(lines), mode=0o600, uid=uid, gid=uid)


def zsh_history(host: HostBuilder, home: str, commands: Sequence[str]) -> Path:
    """EXTENDED_HISTORY lines; embedded newlines are written as backslash-newline."""
    lines = [
        f": {1748851200 + i * 60}:0;" + command.replace("\n", "\\\n") + "\n"
        for i, command in enumerate(commands)
    ]
    return host.file(f"{home}/.zsh_history", "".join(lines), mode=0o600)


def fish_history(host: HostBuilder, home: str, commands: Sequence[str]) -> Path:
    entries = []
    for i, command in enumerate(commands):
        escaped = command.replace("\\", "\\\\").replace("\n", "\\n")
        entries.append(f"- cmd: {escaped}\n  when: {1748851200 + i * 60}\n")
    return host.file(f"{home}/.local/share/fish/fish_history", "".join(entries), mode=0o600)


LLM_SCHEMA = """
CREATE TABLE [_llm_migrations] ([name] TEXT PRIMARY KEY, [applied_at] TEXT);
CREATE TABLE [conversations] ([id] TEXT PRIMARY KEY, [name] TEXT, [model] TEXT);
CREATE TABLE [responses] (
   [id] TEXT PRIMARY KEY, [model] TEXT, [prompt] TEXT, [system] TEXT, [prompt_json] TEXT,
   [options_json] TEXT, [response] TEXT, [response_json] TEXT,
   [conversation_id] TEXT REFERENCES [conversations]([id]), [duration_ms] INTEGER,
   [datetime_utc] TEXT
);
"""


def llm_logs_db(host: HostBuilder, home: str, prompts: Sequence[str], *, wal: bool = False) -> Path:
    """logs.db with one conversation and one response row per prompt; with wal=True the
    last row exists only in the -wal file."""
    target = host.path(f"{home}/.config/io.datasette.llm/logs.db")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "logs.db"
        db = sqlite3.connect(staged, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(LLM_SCHEMA)
            db.execute("INSERT INTO conversations VALUES ('01j0conv', 'chat', 'llama3.2')")
            settled, pending = (prompts[:-1], prompts[-1:]) if wal else (prompts, ())
            for index, prompt in enumerate(settled):
                _llm_row(db, index, prompt)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if pending:
                db.execute("PRAGMA wal_autocheckpoint=0")
                _llm_row(db, len(settled), pending[0])
                for suffix in ("", "-wal", "-shm"):
                    shutil.copyfile(f"{staged}{suffix}", f"{target}{suffix}")
        finally:
            db.close()
        if not pending:
            shutil.copyfile(staged, target)
    return target


def _llm_row(db: sqlite3.Connection, index: int, prompt: str) -> None:
    db.execute(
        "INSERT INTO responses VALUES (?, 'llama3.2', ?, NULL, '{}', '{}', 'ok', '{}', "
        "'01j0conv', 120, ?)",
        (f"01j0resp{index:04d}", prompt, f"2025-06-02T08:{index % 60:02d}:00"),
    )


def ollama_request_logs(host: HostBuilder, directory: str, bodies: Sequence[str]) -> Path:
    """`<dir>` as MkdirTemp makes it (0700) with a body and a replay script per request."""
    path = host.directory(directory, mode=0o700)
    for index, body in enumerate(bodies):
        stamp = f"20250602T080000.000000000Z-{index + 1:06d}"
        host.file(f"{directory}/{stamp}_api_generate_body.json", body, mode=0o600)
        host.file(f"{directory}/{stamp}_api_generate_request.sh", "#!/bin/sh\n", mode=0o600)
    return path

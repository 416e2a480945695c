"""Folders that sync clients upload elsewhere, read from each client's own settings.

- Dropbox: `~/.dropbox/info.json`, `{"personal": {"path": …}, "business": {"path": …}}`
  (Dropbox help "locate the Dropbox folder programmatically").
- Nextcloud / ownCloud desktop: `~/.config/Nextcloud/nextcloud.cfg` (macOS
  `~/Library/Preferences/Nextcloud/`), `~/.config/ownCloud/owncloud.cfg`; QSettings INI,
  `[Accounts]` keys `<n>\\Folders|Multifolders|FoldersWithPlaceholders\\<id>\\localPath`
  (nextcloud/desktop src/gui/folderman.cpp, folder.cpp).
- Syncthing: `config.xml` in `~/.local/state/syncthing` (1.27+), `~/.config/syncthing`,
  `~/Library/Application Support/Syncthing`; `<folder path="…">`, `~` for the home
  (syncthing-config(5)).
- OneDrive (abraunegg/onedrive): `~/.config/onedrive/config`, `sync_dir = "~/OneDrive"`
  (the default when unset; abraunegg/onedrive config, docs/application-config-options.md).
- macOS: iCloud Drive `~/Library/Mobile Documents/com~apple~CloudDocs` (with Desktop &
  Documents on, `Desktop/` and `Documents/` appear inside it); File Provider clients
  (Google Drive, OneDrive, Dropbox, Box) under `~/Library/CloudStorage/<Client>-<account>`.
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Iterator
from xml.etree import ElementTree

from localproof.collect.fsroot import AuditRoot, RootError, describe_error, resolve
from localproof.facts import FileKind
from localproof.facts.residue import SyncFolder

NEXTCLOUD_CONFIGS = (
    ("nextcloud", ".config/Nextcloud/nextcloud.cfg"),
    ("nextcloud", "Library/Preferences/Nextcloud/nextcloud.cfg"),
    ("owncloud", ".config/ownCloud/owncloud.cfg"),
)
SYNCTHING_DIRS = (
    ".local/state/syncthing",
    ".config/syncthing",
    "Library/Application Support/Syncthing",
)
LOCAL_PATH = re.compile(
    r"^\d+\\(?:Folders|Multifolders|FoldersWithPlaceholders)\\[^\\=]+\\localPath=(.*)$"
)
ONEDRIVE_SYNC_DIR = re.compile(r'^\s*sync_dir\s*=\s*"([^"]*)"', re.MULTILINE)
ICLOUD = "Library/Mobile Documents/com~apple~CloudDocs"
CLOUD_STORAGE_CLIENTS = (
    ("GoogleDrive-", "google-drive"),
    ("OneDrive", "onedrive"),
    ("Dropbox", "dropbox"),
    ("Box", "box"),
)
MAX_CONFIG_BYTES = 4 << 20


def read_sync_folders(root: AuditRoot, homes: list[tuple[str, str]]) -> tuple[SyncFolder, ...]:
    folders: list[SyncFolder] = []
    for owner, home in homes:
        for reader in (_dropbox, _nextcloud, _syncthing, _onedrive, _macos):
            folders.extend(reader(root, owner, home))
    return tuple(folders)


def _text(root: AuditRoot, path: str) -> str | None:
    """None when the file is absent; raises OSError when it exists but cannot be read."""
    fact = root.stat(path)
    if fact.kind is FileKind.MISSING:
        return None
    if fact.kind is FileKind.ERROR:
        raise RootError(errno.EINVAL, fact.error or "unreadable")
    return root.read_text(path, MAX_CONFIG_BYTES)


def _expand(path: str, home: str) -> str:
    return home + path[1:] if path == "~" or path.startswith("~/") else path


def _folder(root: AuditRoot, client: str, config: str, owner: str, path: str) -> SyncFolder:
    return SyncFolder(client, config, owner, path=resolve(root, path))


def _dropbox(root: AuditRoot, owner: str, home: str) -> Iterator[SyncFolder]:
    config = f"{home}/.dropbox/info.json"
    try:
        text = _text(root, config)
        if text is None:
            return
        accounts = json.loads(text)
        paths = [a.get("path") for a in accounts.values() if isinstance(a, dict)]
    except OSError as error:
        yield SyncFolder("dropbox", config, owner, error=describe_error(error))
        return
    except (ValueError, AttributeError, RecursionError):
        yield SyncFolder("dropbox", config, owner, error="not a valid info.json")
        return
    for path in paths:
        if isinstance(path, str) and path.startswith("/"):
            yield _folder(root, "dropbox", config, owner, path)


def _nextcloud(root: AuditRoot, owner: str, home: str) -> Iterator[SyncFolder]:
    for client, relative in NEXTCLOUD_CONFIGS:
        config = f"{home}/{relative}"
        try:
            text = _text(root, config)
        except OSError as error:
            yield SyncFolder(client, config, owner, error=describe_error(error))
            continue
        section = ""
        for line in (text or "").splitlines():
            if line.startswith("[") and line.rstrip().endswith("]"):
                section = line.strip()[1:-1]
            match = LOCAL_PATH.match(line.strip()) if section == "Accounts" else None
            if match and match.group(1).strip('"').startswith("/"):
                yield _folder(root, client, config, owner, match.group(1).strip('"'))


def _syncthing(root: AuditRoot, owner: str, home: str) -> Iterator[SyncFolder]:
    for directory in SYNCTHING_DIRS:
        config = f"{home}/{directory}/config.xml"
        try:
            text = _text(root, config)
            if text is None:
                continue
            # a local settings file; Python's bundled expat limits entity amplification
            tree = ElementTree.fromstring(text)  # noqa: S314
        except OSError as error:
            yield SyncFolder("syncthing", config, owner, error=describe_error(error))
            continue
        except ElementTree.ParseError:
            yield SyncFolder("syncthing", config, owner, error="not well-formed XML")
            continue
        for folder in tree.iter("folder"):
            path = _expand(folder.get("path", ""), home)
            if path.startswith("/"):
                yield _folder(root, "syncthing", config, owner, path)


def _onedrive(root: AuditRoot, owner: str, home: str) -> Iterator[SyncFolder]:
    config = f"{home}/.config/onedrive/config"
    try:
        text = _text(root, config)
    except OSError as error:
        yield SyncFolder("onedrive", config, owner, error=describe_error(error))
        return
    if text is None:
        if root.exists(f"{home}/.config/onedrive/refresh_token"):  # signed in, defaults
            yield _folder(root, "onedrive", f"{home}/.config/onedrive", owner, f"{home}/OneDrive")
        return
    match = ONEDRIVE_SYNC_DIR.search(text)
    sync_dir = match.group(1) if match else "~/OneDrive"
    yield _folder(root, "onedrive", config, owner, _expand(sync_dir, home))


def _macos(root: AuditRoot, owner: str, home: str) -> Iterator[SyncFolder]:
    icloud = f"{home}/{ICLOUD}"
    if root.stat(icloud).kind is FileKind.DIRECTORY:
        yield _folder(root, "icloud", icloud, owner, icloud)
        for name in ("Desktop", "Documents"):
            if root.stat(f"{icloud}/{name}").kind is FileKind.DIRECTORY:
                yield _folder(root, "icloud", f"{icloud}/{name}", owner, f"{home}/{name}")
    try:
        names = root.listdir(f"{home}/Library/CloudStorage")
    except OSError:
        return
    for name in names:
        client = next((c for prefix, c in CLOUD_STORAGE_CLIENTS if name.startswith(prefix)), None)
        path = f"{home}/Library/CloudStorage/{name}"
        if client and root.stat(path).kind is FileKind.DIRECTORY:
            yield _folder(root, client, path, owner, path)

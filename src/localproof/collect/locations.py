"""Data folders an app's own configuration moves elsewhere, and the stores found there.

The knowledge base names the files (`[[location_file]]`) and the stores that follow them
(`override_file` + `override_path`). Jan writes its app configuration with serde_json:
`{"data_folder": "/abs/path"}` (janhq/jan: src-tauri/src/core/app/models.rs
`AppConfiguration`, src-tauri/src/core/app/commands.rs `update_app_configuration`); the
folder is used as written, so a relative or `~` path is not followed, and a Windows path
on the system drive (`C:\\Users\\...`) is read as the same path under the audit root, as a
Windows disk mounted as the root shows it. The files themselves are stores of kind
`config`. A file that exists but cannot be read, or names no usable folder, becomes a
problem with the reason: the stores it would have moved stay unseen, and the report says
so.
"""

from __future__ import annotations

import glob
import json
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import FileFact, FileKind, Problem, StoreFile
from localproof.kb import LocationFile, Tool

MAX_LOCATION_FILE = 64 << 10  # a handful of keys; anything larger is not the app's file
MAX_FOLDER = 4096  # PATH_MAX
MAX_MATCHES = 200
SYSTEM_DRIVE = re.compile(r"^[Cc]:[\\/]")
NOT_FOLLOWED = "the data folder it names is not followed"


@dataclass(frozen=True)
class MovedFolder:
    """A folder named by a location file, for one user (the home the file was found in)."""

    tool: str
    location: str  # the location file's id
    folder: str
    source: str  # the file that names it
    owner: str


@dataclass(frozen=True)
class Locations:
    """What the location files say: the folders they name; the files themselves, as stores
    of kind `config` (so that an app known only by its configuration is still found); and
    why some of them could not say."""

    folders: tuple[MovedFolder, ...] = ()
    files: tuple[StoreFile, ...] = ()
    problems: tuple[Problem, ...] = ()


def read_locations(
    root: AuditRoot, tools: dict[str, Tool], homes: list[tuple[str, str]]
) -> Locations:
    folders: list[MovedFolder] = []
    files: list[StoreFile] = []
    problems: list[Problem] = []
    for tool in tools.values():
        for spec in tool.location_files:
            for path, owner in _candidates(root, spec, homes):
                info = root.stat(path)
                if info.kind is FileKind.MISSING:
                    continue
                files.append(StoreFile(tool.slug, "config", spec.format, info, owner))
                folder = _folder(root, spec, info)
                if isinstance(folder, Problem):
                    problems.append(folder)
                else:
                    folders.append(MovedFolder(tool.slug, spec.id, folder, path, owner))
    return Locations(tuple(folders), tuple(files), tuple(problems))


def _candidates(
    root: AuditRoot, spec: LocationFile, homes: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    return home_matches(root, spec.paths, homes)


def home_matches(
    root: AuditRoot, patterns: Sequence[str], homes: list[tuple[str, str]],
    limit: int = MAX_MATCHES,
) -> list[tuple[str, str]]:  # fmt: skip
    """(path, owner) of every file the knowledge base's patterns match: a `{home}` pattern
    once per (user, home), owned by that user; other patterns owned by "system"."""
    places: list[tuple[str, str]] = []
    for pattern in patterns:
        if "{home}" not in pattern:
            places += [(path, "system") for path in root.glob(pattern, limit)]
            continue
        for user, home in homes:
            places += [(path, user) for path in root.glob(pattern.replace("{home}", home), limit)]
    return places


def _folder(root: AuditRoot, spec: LocationFile, info: FileFact) -> str | Problem:
    """The folder the file names, or a Problem saying why it cannot tell."""
    path = info.path
    try:
        data = json.loads(_text(root, info))
    except _UnusableError as error:
        return Problem(path, f"{error}: {NOT_FOLLOWED}")
    except OSError as error:
        return Problem(path, f"{describe_error(error)}: {NOT_FOLLOWED}")
    except (ValueError, RecursionError):
        return Problem(path, f"not valid JSON: {NOT_FOLLOWED}")
    value = data.get(spec.key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        return Problem(path, f"no {spec.key!r} folder in it: {NOT_FOLLOWED}")
    return _absolute(value.strip()) or Problem(
        path, f"{spec.key!r} is not an absolute path on this disk: {NOT_FOLLOWED}"
    )


class _UnusableError(ValueError):
    """A location file that is no regular file or too large to be the app's."""


def _text(root: AuditRoot, info: FileFact) -> str:
    if info.error or info.kind is not FileKind.FILE:
        raise _UnusableError(info.error or "not a regular file")
    if info.size > MAX_LOCATION_FILE:
        raise _UnusableError(f"larger than {MAX_LOCATION_FILE >> 10} KiB")
    return root.read_text(info.path, MAX_LOCATION_FILE)


def _absolute(value: str) -> str | None:
    """The folder as a normalised path inside the audited tree, or None."""
    if len(value) > MAX_FOLDER or "\0" in value:
        return None
    if SYSTEM_DRIVE.match(value):
        value = "/" + value[3:].replace("\\", "/")
    if not value.startswith("/"):
        return None
    return posixpath.normpath(value)


def moved_stores(
    root: AuditRoot, tools: dict[str, Tool], locations: Locations
) -> tuple[StoreFile, ...]:
    """The location files, and the stores that follow each folder, where they exist."""
    found = list(locations.files)
    for moved in locations.folders:
        for store in tools[moved.tool].stores:
            if store.override_file != moved.location:
                continue
            paths = root.glob(under(moved.folder, store.override_path), MAX_MATCHES)
            found += [
                StoreFile(moved.tool, store.kind, store.format, root.stat(path), moved.owner)
                for path in paths
            ]
    return tuple(found)


def under(folder: str, relative: str) -> str:
    """A glob pattern for `relative` (which may hold `*`) under a literal folder."""
    return glob.escape(folder.rstrip("/")) + "/" + relative


def merge(found: tuple[StoreFile, ...], moved: tuple[StoreFile, ...]) -> tuple[StoreFile, ...]:
    """Stores by path, the first seen kept, in path order like the store finder's."""
    by_path: dict[str, StoreFile] = {}
    for store in (*found, *moved):
        by_path.setdefault(store.file.path, store)
    return tuple(by_path[path] for path in sorted(by_path))

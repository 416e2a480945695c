"""Déjà Dup's backup jobs, from its GSettings keys in the user's dconf database and, for the
Flathub app, in the Flatpak's GSettings keyfile.

Sources: GNOME deja-dup 46 as kept at hupf/deja-dup (a GitHub copy of the GNOME project;
read at commit 08762a87, the last upstream commit before the copy's own one):
- data/app.gschema.xml.in: path `/org/gnome/deja-dup/`; `include-list` (`as`, default
  `['$HOME']`), `exclude-list` (`as`, default `['$TRASH', '$DOWNLOAD']`), `periodic` (`b`,
  default false), `last-backup` (`s`), `tool` (borg, duplicity or restic; default
  duplicity), `backend` (auto, remote, local, drive, google or microsoft, default auto;
  file, gcs, goa, openstack, rackspace, s3 and u1 are deprecated), `local/folder` (default
  `$HOSTNAME`, absolute or relative to the home; libdeja/BackendLocal.vala,
  CommonUtils.vala process_folder_key). GSettings ignores a value of the wrong type or
  outside the choices, so the default applies then too.
- libdeja/DirHandling.vala parse_keywords: `$HOME`, `$TRASH` (`~/.local/share/Trash`,
  InstallEnv.vala) or an XDG user directory (`$DESKTOP`, `$DOCUMENTS`, `$DOWNLOAD`,
  `$MUSIC`, `$PICTURES`, `$PUBLIC_SHARE`, `$TEMPLATES`, `$VIDEOS`; an entry whose
  directory is not set is dropped) at the start of an entry, `$USER` anywhere, relative
  entries under the home. The XDG directories come from `~/.config/user-dirs.dirs`, with
  `~/Desktop` when Desktop is not set (GNOME/glib glib/gutils.c, glib/gutilsprivate.c).
- libdeja/OperationBackup.vala add_always_excluded_dirs: `~/.cache`, `~/.ccache`, `~/.gvfs`,
  `~/.Private`, `~/.steam/root`, `~/.xsession-errors`, `~/.var/app/*/cache`,
  `~/snap/*/*/.cache`, the temporary folders and `/dev`, `/proc`, `/run`, `/sys`; a local
  destination is excluded too (BackendFile.vala add_excludes). DuplicityJob.vala passes
  the most specific folder first, an include before an exclude of the same folder, then
  `--exclude=**`: the rules here have that shape, over the whole disk.
- Encryption is chosen at the first backup and not kept in dconf. restic always encrypts;
  duplicity without a password runs with `--no-encryption` (DuplicityJob.vala), writing
  `duplicity-*.difftar.gz` volumes instead of `.difftar.gpg` (acceptance/duplicity1 and
  duplicity2), which a local destination shows.
- The Flathub app `org.gnome.DejaDup` (flathub/org.gnome.DejaDup org.gnome.DejaDup.yaml,
  commit cd944c6d; no manifest in its history asks for dconf) has `--filesystem=host` but
  no `--talk-name=ca.desrt.dconf`, so GLib in it keeps the settings in
  `~/.var/app/org.gnome.DejaDup/config/glib-2.0/settings/keyfile` (collect/flatpakapp.py,
  collect/gsettingskeyfile.py); given dconf access, it shares the host's dconf database.
  Its cache folder is `~/.var/app/org.gnome.DejaDup/cache/deja-dup`; `$TRASH` is still
  `~/.local/share/Trash` and `$HOME` the real home (libdeja/InstallEnvFlatpak.vala); the
  XDG folders are the host's. It excludes no system temporary folder, which the sandbox
  does not show it anyway.
Not modelled: folders holding `.deja-dup-ignore` or `CACHEDIR.TAG` (skipped by Déjà Dup;
the result errs towards "copied"), system databases in /etc/dconf, `DCONF_PROFILE`, and
literal `*` or `?` in folder names (read as wildcards).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from localproof.collect import flatpakapp
from localproof.collect.dconfdb import DconfError
from localproof.collect.fsroot import AuditRoot, describe_error, resolve
from localproof.collect.gsettingskeyfile import read_schema_values
from localproof.collect.gvdb import GValue, GvdbError, directory_values
from localproof.facts import FileKind
from localproof.facts.residue import BackupJob

PROGRAM = "deja-dup"
SCHEMA_PATH = "/org/gnome/deja-dup/"
DCONF_USER = ".config/dconf/user"
MAX_DATABASE = 8 << 20
DEFAULTS = {"include-list": ("$HOME",), "exclude-list": ("$TRASH", "$DOWNLOAD")}
TOOLS = ("borg", "duplicity", "restic")
WHERE = {
    "auto": "a location not chosen yet",
    "local": "a folder on this machine",
    "drive": "a removable drive",
    "remote": "a network server, off this machine",
    "google": "Google Drive, off this machine",
    "microsoft": "Microsoft OneDrive, off this machine",
}
DEPRECATED = ("file", "gcs", "goa", "openstack", "rackspace", "s3", "u1")
HOME_EXCLUDED = (".cache", ".ccache", ".gvfs", ".Private", ".steam/root", ".xsession-errors")
HOME_EXCLUDED_PATTERNS = (".var/app/*/cache", "snap/*/*/.cache")
TEMP_DIRS = ("/tmp", "/var/tmp")  # noqa: S108 - folders Déjà Dup skips, never written to
SYSTEM_EXCLUDED = (*TEMP_DIRS, "/dev", "/proc", "/run", "/sys")
XDG_KEYWORDS = {
    "DESKTOP": "$DESKTOP", "DOCUMENTS": "$DOCUMENTS", "DOWNLOAD": "$DOWNLOAD",
    "MUSIC": "$MUSIC", "PICTURES": "$PICTURES", "PUBLICSHARE": "$PUBLIC_SHARE",
    "TEMPLATES": "$TEMPLATES", "VIDEOS": "$VIDEOS",
}  # fmt: skip
KEYWORDS = ("$TRASH", *XDG_KEYWORDS.values())  # besides $HOME, replaced first
USER_DIR_LINE = re.compile(r'[ \t]*XDG_([A-Z]+)_DIR[ \t]*=[ \t]*"(.*)"')
URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
NOT_RECORDED = "the encryption choice made at the first backup is not kept in its settings"
FLATPAK_ID = "org.gnome.DejaDup"
HOST = "host install"
HOST_SHARED = "host install or Flatpak with dconf access"
FLATPAK = "Flatpak"
KEY_TYPES = {
    "include-list": "as", "exclude-list": "as", "periodic": "b", "last-backup": "s",
    "tool": "s", "backend": "s", "local/folder": "s",
}  # fmt: skip


def read_jobs(root: AuditRoot, user: str, home: str) -> list[BackupJob]:
    """The user's Déjà Dup jobs (the host's and the Flatpak's), leaving out one that has
    neither run nor been scheduled."""
    app = flatpakapp.find_app(root, home, FLATPAK_ID)
    jobs: list[BackupJob | None] = (
        [BackupJob(PROGRAM, app.metadata, error=app.error)] if app and app.error else []
    )
    shared = app is not None and app.uses_dconf is True
    host = _Settings(HOST_SHARED if shared else HOST, f"{home}/{DCONF_USER}", "dconf")
    caches = [f"{home}/.cache", *([app.cache] if app and shared else [])]
    jobs.append(_host_job(root, user, home, host, _has_run(root, caches)))
    if app and app.uses_dconf is False:
        settings = _Settings(FLATPAK, app.settings_keyfile, "the keyfile")
        jobs.append(_keyfile_job(root, user, home, settings, _has_run(root, [app.cache])))
    return [job for job in jobs if job]


@dataclass(frozen=True)
class _Settings:
    install: str  # which Déjà Dup, in words
    path: str
    name: str  # what holds the settings, in words


def _has_run(root: AuditRoot, caches: list[str]) -> bool:
    return any(root.stat(f"{cache}/deja-dup").kind is FileKind.DIRECTORY for cache in caches)


def _host_job(
    root: AuditRoot, user: str, home: str, settings: _Settings, has_run: bool
) -> BackupJob | None:
    config = settings.path
    try:
        values = _settings(root, config)
    except OSError as error:
        return BackupJob(PROGRAM, config, error=describe_error(error))
    except GvdbError as error:
        return BackupJob(PROGRAM, config, error=f"dconf database: {error}")
    if values is None:
        return _database_missing(home, config) if has_run else None
    return _job_if_used(root, user, home, settings, values, has_run)


def _keyfile_job(
    root: AuditRoot, user: str, home: str, settings: _Settings, has_run: bool
) -> BackupJob | None:
    try:
        values = read_schema_values(root, settings.path, SCHEMA_PATH, KEY_TYPES)
    except OSError as error:
        return BackupJob(PROGRAM, settings.path, error=describe_error(error))
    except DconfError as error:
        return BackupJob(PROGRAM, settings.path, error=str(error))
    if values is None:
        if not has_run:
            return None
        missing = _Settings(settings.install, settings.path, "the keyfile, which does not exist")
        return _job(root, user, home, missing, {})
    return _job_if_used(root, user, home, settings, values, has_run)


def _job_if_used(
    root: AuditRoot,
    user: str,
    home: str,
    settings: _Settings,
    values: dict[str, GValue],
    has_run: bool,
) -> BackupJob | None:
    if not (has_run or values.get("periodic") is True or _text(values, "last-backup", "")):
        return None  # never backed up and nothing scheduled
    return _job(root, user, home, settings, values)


def _settings(root: AuditRoot, config: str) -> dict[str, GValue] | None:
    try:
        data = root.read_bytes(config, MAX_DATABASE + 1)
    except FileNotFoundError:
        return None
    if len(data) > MAX_DATABASE:
        raise GvdbError(f"larger than {MAX_DATABASE >> 20} MiB, not read")
    return directory_values(data, SCHEMA_PATH)


def _database_missing(home: str, config: str) -> BackupJob:
    basis = (
        "Déjà Dup has run (its cache folder exists) but the dconf database with its folders and "
        "location is missing, so the whole home counts as copied; check "
        "`gsettings get org.gnome.DejaDup include-list`"
    )
    return BackupJob(PROGRAM, config, sources=(home,), encrypted=None, encryption_basis=basis)


def _job(
    root: AuditRoot, user: str, home: str, settings: _Settings, values: dict[str, GValue]
) -> BackupJob:
    tool = _text(values, "tool", "duplicity", TOOLS)
    backend = _text(values, "backend", "auto", (*WHERE, *DEPRECATED))
    destination = _local_destination(root, home, values) if backend == "local" else None
    rules = _folder_rules(root, _Folders(root, user, home), values, destination)
    encrypted, how = _encryption(root, tool, destination)
    where = WHERE.get(backend, f"a location type Déjà Dup no longer supports ({backend})")
    schedule = "on" if values.get("periodic") is True else "off"
    parts = [f"Déjà Dup ({settings.install}, {tool}) copies to {where}"]
    basis = "; ".join([*parts, f"automatic backups {schedule}", _scope(values, settings), how])
    return BackupJob(PROGRAM, settings.path, ("/",), rules, encrypted, basis, destination)


def _folder_rules(
    root: AuditRoot, folders: _Folders, values: dict[str, GValue], destination: str | None
) -> tuple[str, ...]:
    home = folders.home
    excludes = folders.expand(_list(values, "exclude-list"))
    excludes += [f"{home}/{name}" for name in HOME_EXCLUDED] + list(SYSTEM_EXCLUDED)
    if destination:
        excludes.append(destination)  # a backup never copies itself (BackendFile.vala)
    patterns = [f"{home}/{pattern}" for pattern in HOME_EXCLUDED_PATTERNS]
    return _rules(root, folders.expand(_list(values, "include-list")), excludes, patterns)


def _text(values: dict[str, GValue], key: str, default: str, allowed: tuple[str, ...] = ()) -> str:
    value = values.get(key)
    if isinstance(value, str) and (not allowed or value in allowed):
        return value
    return default


def _list(values: dict[str, GValue], key: str) -> tuple[str, ...]:
    value = values.get(key)
    return value if isinstance(value, tuple) else DEFAULTS[key]


def _scope(values: dict[str, GValue], settings: _Settings) -> str:
    unset = [key for key in DEFAULTS if not isinstance(values.get(key), tuple)]
    if not unset:
        return f"folders as set in {settings.name}"
    defaults = "defaults apply" if len(unset) > 1 else "default applies"
    return f"the schema {defaults} to {' and '.join(unset)} (not set in {settings.name})"


class _Folders:
    """Déjà Dup's folder entries as absolute paths for one user (parse_keywords)."""

    def __init__(self, root: AuditRoot, user: str, home: str) -> None:
        self.user = user
        self.home = home
        self.keywords = {"$TRASH": f"{home}/.local/share/Trash", "$DESKTOP": f"{home}/Desktop"}
        self.keywords |= _user_dirs(root, home)

    def expand(self, entries: tuple[str, ...]) -> list[str]:
        return [path for path in map(self._one, entries) if path is not None]

    def _one(self, entry: str) -> str | None:
        result = entry
        if result.startswith("$HOME"):
            result = result.replace("$HOME", self.home)
        else:
            keyword = next((k for k in KEYWORDS if entry.startswith(k)), "")
            if keyword and keyword not in self.keywords:
                return None  # an XDG directory that is not set: Déjà Dup drops the entry
            if keyword:
                result = result.replace(keyword, self.keywords[keyword])
        return _local_path(result.replace("$USER", self.user), self.home)


def _local_path(entry: str, home: str) -> str | None:
    if URI_SCHEME.match(entry):
        if not entry.startswith("file://"):
            return None  # not a folder on this machine
        entry = unquote(urlsplit(entry).path)
    elif not entry.startswith("/"):
        entry = f"{home}/{entry}"
    return "/" + posixpath.normpath(entry).lstrip("/")


def _user_dirs(root: AuditRoot, home: str) -> dict[str, str]:
    """`$DOCUMENTS` and the like from `~/.config/user-dirs.dirs`, as GLib reads it."""
    try:
        text = root.read_text(f"{home}/.config/user-dirs.dirs", 1 << 16)
    except OSError:
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = USER_DIR_LINE.match(line)
        if not match or match.group(1) not in XDG_KEYWORDS:
            continue
        value = match.group(2)
        if value.startswith("$HOME") and value[5:6] in ("", "/"):
            value = home + value[5:]
        elif not value.startswith("/"):
            continue
        found[XDG_KEYWORDS[match.group(1)]] = value.rstrip("/") or "/"
    return found


def _local_destination(root: AuditRoot, home: str, values: dict[str, GValue]) -> str | None:
    folder = _text(values, "local/folder", "$HOSTNAME")
    if "$HOSTNAME" in folder:
        try:
            hostname = root.read_text("/etc/hostname", 256).strip()
        except OSError:
            return None
        folder = folder.replace("$HOSTNAME", hostname)
    if not folder:
        return None
    if folder == "~" or folder.startswith("~/"):
        folder = home + folder[1:]
    elif not folder.startswith("/"):
        folder = f"{home}/{folder}"
    return resolve(root, posixpath.normpath(folder))


def _rules(
    root: AuditRoot, includes: list[str], excludes: list[str], patterns: list[str]
) -> tuple[str, ...]:
    """rsync-style rules over the whole disk: the patterns, then each folder (and its
    resolved form) deepest first, an include before an exclude of the same folder, then
    everything else excluded, as Déjà Dup hands them to duplicity."""
    entries = {(form, True) for path in includes for form in (path, resolve(root, path))}
    entries |= {(form, False) for path in excludes for form in (path, resolve(root, path))}
    ordered = sorted(entries, key=lambda entry: (-_depth(entry[0]), not entry[1], entry[0]))
    rules = [*patterns, *(f"+ {path}" if include else path for path, include in ordered)]
    if "/" not in {path for path, include in entries if include}:
        rules.append("**")
    return tuple(rules)


def _depth(path: str) -> int:
    return len([part for part in path.split("/") if part])


def _encryption(root: AuditRoot, tool: str, destination: str | None) -> tuple[bool | None, str]:
    if tool == "restic":
        return True, "restic encrypts every repository"
    if tool == "duplicity" and destination:
        try:
            names = root.listdir(destination)[:10_000]
        except OSError:
            names = []
        volumes = [n for n in names if n.startswith("duplicity-") and ".difftar" in n]
        if any(not name.endswith(".gpg") for name in volumes):
            return False, "the duplicity volumes at the destination are not encrypted"
        if volumes:
            return True, "the duplicity volumes at the destination are GnuPG-encrypted"
    return None, NOT_RECORDED

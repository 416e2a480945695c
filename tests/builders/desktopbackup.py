"""Desktop backup tools' settings and traces in their real formats.

- Déjà Dup keeps its settings in the user's dconf database, `~/.config/dconf/user`, a GVDB
  file in a folder dconf creates with mode 0700 (GNOME/dconf common/dconf-gvdb-utils.c,
  dconf_gvdb_utils_write_file). Tests cannot write GVDB without dconf, so they copy the
  databases that the real dconf wrote (tests/data/dconf/, see its README). Déjà Dup's
  cache folder `~/.cache/deja-dup` exists once it has run (GNOME deja-dup
  libdeja/DirHandling.vala get_metadir).
- The Flathub Déjà Dup (`org.gnome.DejaDup`): deployed at `app/<id>/current/active/` of
  the user's (`~/.local/share/flatpak`) or the system's (`/var/lib/flatpak`) installation,
  its permissions in the `metadata` keyfile there, with `[Context]` and `[Session Bus
  Policy]` groups as flatpak-builder writes them from the manifest's finish-args
  (flatpak/flatpak doc/flatpak-metadata.xml; flathub/org.gnome.DejaDup
  org.gnome.DejaDup.yaml); `flatpak override` files in `overrides/<id>`. Its data is under
  `~/.var/app/org.gnome.DejaDup/`: GSettings in `config/glib-2.0/settings/keyfile`, which
  GLib creates in a 0700 folder (GNOME/glib gio/gkeyfilesettingsbackend.c), copied from the
  files the real GLib wrote (tests/data/gsettings-keyfile/, see its README), and the cache
  folder `cache/deja-dup` once it has run.
- duplicity volume names as Déjà Dup leaves them: `duplicity-full.<time>.vol1.difftar.gz`,
  `.manifest`, `duplicity-full-signatures.<time>.sigtar.gz`, each with `.gpg` in place of
  `.gz` (or added to `.manifest`) when encrypted (deja-dup acceptance/duplicity1 and
  acceptance/duplicity2).
- Time Machine: `/Library/Preferences/com.apple.TimeMachine.plist` written by plistlib as
  binary (macOS's own format for it) or XML, with `AutoBackup`, `SkipPaths`,
  `ExcludeByPath` and `Destinations` entries carrying `DestinationID`,
  `LastKnownEncryptionState`, `RootVolumeUUID`, `BytesUsed`, `BytesAvailable` and
  `SnapshotDates` (the sources are listed in src/localproof/collect/timemachine.py).
"""

from __future__ import annotations

import gzip
import io
import plistlib
import secrets
import tarfile
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from tests.builders.host import HostBuilder

DCONF_DATA = Path(__file__).parent.parent / "data" / "dconf"
KEYFILE_DATA = Path(__file__).parent.parent / "data" / "gsettings-keyfile"
DEJA_DUP_FLATPAK = "org.gnome.DejaDup"
DEJA_DUP_METADATA = """[Application]
name=org.gnome.DejaDup
runtime=org.gnome.Platform/x86_64/50
sdk=org.gnome.Sdk/x86_64/50
command=deja-dup

[Context]
shared=network;ipc;
sockets=wayland;fallback-x11;ssh-auth;
devices=dri;
filesystems=host;~/.var/app/;xdg-run/gvfs;xdg-run/gvfsd;xdg-run/deja-dup:create;

[Session Bus Policy]
org.gtk.MountOperationHandler=talk
org.gtk.vfs.*=talk
org.freedesktop.Flatpak=talk
com.feralinteractive.GameMode=talk
"""
DCONF_ACCESS = (
    "[Session Bus Policy]\nca.desrt.dconf=talk\n\n[Context]\nfilesystems=xdg-run/dconf;\n"
)
TIME_MACHINE_PLIST = "/Library/Preferences/com.apple.TimeMachine.plist"
STAMP = "20250501T100000Z"


def dconf_database(host: HostBuilder, home: str, fixture: str, *, uid: int | None = None) -> Path:
    """Copy tests/data/dconf/<fixture>.dconf to the user's dconf database."""
    host.directory(f"{home}/.config", mode=0o700, uid=uid, gid=uid)
    host.directory(f"{home}/.config/dconf", mode=0o700, uid=uid, gid=uid)
    data = (DCONF_DATA / f"{fixture}.dconf").read_bytes()
    return host.file(f"{home}/.config/dconf/user", data, mode=0o644, uid=uid, gid=uid)


def flatpak_deja_dup(
    host: HostBuilder,
    home: str,
    keyfile: str | None,
    *,
    uid: int | None = None,
    system: bool = False,
    has_run: bool = True,
    override: str | None = None,
) -> str:
    """Install the Flathub Déjà Dup for the user (or system-wide), with
    tests/data/gsettings-keyfile/<keyfile>.keyfile as its settings (None: no keyfile) and
    `override` as the user's `flatpak override` file; returns the keyfile's path."""
    installation = "/var/lib/flatpak" if system else f"{home}/.local/share/flatpak"
    app = f"{installation}/app/{DEJA_DUP_FLATPAK}"
    host.file(f"{app}/x86_64/stable/0123abcd/metadata", DEJA_DUP_METADATA)
    host.symlink(f"{app}/x86_64/stable/active", "0123abcd")
    host.symlink(f"{app}/current", "x86_64/stable")
    if override is not None:
        host.file(f"{home}/.local/share/flatpak/overrides/{DEJA_DUP_FLATPAK}", override)
    data = f"{home}/.var/app/{DEJA_DUP_FLATPAK}"
    for folder in (f"{home}/.var", f"{home}/.var/app", data, f"{data}/config", f"{data}/cache"):
        host.directory(folder, mode=0o700, uid=uid, gid=uid)
    if has_run:
        host.directory(f"{data}/cache/deja-dup", mode=0o700, uid=uid, gid=uid)
    path = f"{data}/config/glib-2.0/settings/keyfile"
    if keyfile is not None:
        for folder in (f"{data}/config/glib-2.0", f"{data}/config/glib-2.0/settings"):
            host.directory(folder, mode=0o700, uid=uid, gid=uid)
        data_bytes = (KEYFILE_DATA / f"{keyfile}.keyfile").read_bytes()
        host.file(path, data_bytes, mode=0o600, uid=uid, gid=uid)
    return path


def deja_dup_has_run(host: HostBuilder, home: str, *, uid: int | None = None) -> Path:
    host.directory(f"{home}/.cache", mode=0o700, uid=uid, gid=uid)
    return host.directory(f"{home}/.cache/deja-dup", mode=0o700, uid=uid, gid=uid)


def duplicity_volumes(host: HostBuilder, folder: str, *, encrypted: bool) -> None:
    """A full backup as duplicity writes it to a local folder."""
    names = {
        f"duplicity-full.{STAMP}.vol1.difftar": _tar(),
        f"duplicity-full.{STAMP}.manifest": b"Hostname box\nLocaldir /\nVolume 1:\n",
        f"duplicity-full-signatures.{STAMP}.sigtar": _tar(),
    }
    for name, data in names.items():
        if encrypted:  # an OpenPGP symmetric-key packet header, then ciphertext
            host.file(f"{folder}/{name}.gpg", b"\x8c\x0d\x04\x09" + secrets.token_bytes(64))
        elif name.endswith(".manifest"):
            host.file(f"{folder}/{name}", data)
        else:
            host.file(f"{folder}/{name}.gz", gzip.compress(data))


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        entry = tarfile.TarInfo("snapshot/home")
        entry.type = tarfile.DIRTYPE
        archive.addfile(entry)
    return buffer.getvalue()


def time_machine_plist(
    host: HostBuilder,
    *,
    encryption_states: Sequence[str | None] = ("NotEncrypted",),
    auto_backup: bool | None = True,
    skip_paths: Sequence[str] = (),
    exclude_by_path: Sequence[str] = (),
    binary: bool = True,
) -> Path:
    """Time Machine's preferences with one destination per encryption state (None: the
    destination records no state)."""
    settings: dict[str, object] = {
        "Destinations": [_destination(state) for state in encryption_states],
        "SkipPaths": list(skip_paths),
        "RequiresACPower": False,
    }
    if auto_backup is not None:
        settings["AutoBackup"] = auto_backup
    if exclude_by_path:
        settings["ExcludeByPath"] = list(exclude_by_path)
    data = plistlib.dumps(settings, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML)
    return host.file(TIME_MACHINE_PLIST, data)


def _destination(state: str | None) -> dict[str, object]:
    destination: dict[str, object] = {
        "DestinationID": str(uuid.uuid4()).upper(),
        "RootVolumeUUID": str(uuid.uuid4()).upper(),
        "BytesUsed": 412_316_860_416,
        "BytesAvailable": 587_683_139_584,
        "SnapshotDates": [datetime(2025, 5, 1, 10, tzinfo=UTC).replace(tzinfo=None)],
    }
    if state is not None:
        destination["LastKnownEncryptionState"] = state
    return destination

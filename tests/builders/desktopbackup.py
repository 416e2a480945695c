"""Desktop backup tools' settings and traces in their real formats.

- Déjà Dup keeps its settings in the user's dconf database, `~/.config/dconf/user`, a GVDB
  file in a folder dconf creates with mode 0700 (GNOME/dconf common/dconf-gvdb-utils.c,
  dconf_gvdb_utils_write_file). Tests cannot write GVDB without dconf, so they copy the
  databases that the real dconf wrote (tests/data/dconf/, see its README). Déjà Dup's
  cache folder `~/.cache/deja-dup` exists once it has run (GNOME deja-dup
  libdeja/DirHandling.vala get_metadir).
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
TIME_MACHINE_PLIST = "/Library/Preferences/com.apple.TimeMachine.plist"
STAMP = "20250501T100000Z"


def dconf_database(host: HostBuilder, home: str, fixture: str, *, uid: int | None = None) -> Path:
    """Copy tests/data/dconf/<fixture>.dconf to the user's dconf database."""
    host.directory(f"{home}/.config", mode=0o700, uid=uid, gid=uid)
    host.directory(f"{home}/.config/dconf", mode=0o700, uid=uid, gid=uid)
    data = (DCONF_DATA / f"{fixture}.dconf").read_bytes()
    return host.file(f"{home}/.config/dconf/user", data, mode=0o644, uid=uid, gid=uid)


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

"""A Flatpak app installed for a user: where its per-user data lives and whether GLib inside
its sandbox keeps GSettings in the host's dconf or in the app's own keyfile.

Learnt from the upstream sources (no code taken from them):
- flatpak/flatpak (commit 55ec5bd5): an installation is `~/.local/share/flatpak` for the
  user (common/flatpak-dir.c flatpak_get_user_base_dir_location, without `FLATPAK_USER_DIR`)
  or `/var/lib/flatpak` for the system (meson_options.txt system_install_dir); an app is
  deployed under `app/<id>/`, the deployment in use is `app/<id>/current/active`, and its
  `metadata` keyfile carries the permissions (flatpak_dir_load_deployed). Overrides from
  `flatpak override` are merged after it: `overrides/global` then `overrides/<id>`, the
  system installation's only for a system-installed app, then the user's
  (flatpak_dir_load_deployed, flatpak_deploy_get_overrides).
- common/flatpak-context.c flatpak_get_data_dir, flatpak_context_apply_env_appid: the app's
  data is `~/.var/app/<id>/`, with `XDG_CONFIG_HOME` = `config/` and `XDG_CACHE_HOME` =
  `cache/` below it; with home access the host's `~/.config/user-dirs.dirs` is bound into
  that `config/`, so the XDG user folders are the host's.
- GNOME/glib gio/gportalsupport.c and gio/gkeyfilesettingsbackend.c (commit c2237ff1): in a
  Flatpak sandbox the keyfile backend takes priority 110, above dconf's 100 (GNOME/dconf
  gsettings/dconfsettingsbackend.c, commit 7683ac95), unless `/.flatpak-info` has
  `ca.desrt.dconf=talk` in `[Session Bus Policy]` (`--talk-name=ca.desrt.dconf`; flatpak
  doc/flatpak-metadata.xml pairs it with `--filesystem=xdg-run/dconf`). Flatpak does not
  set `GSETTINGS_BACKEND`; gio/giomodule.c _g_io_module_get_default honours it only when the
  environment sets it.
Not modelled: other installations (`/etc/flatpak/installations.d`), `FLATPAK_USER_DIR`,
`XDG_DATA_HOME`, the runtime's own metadata and `flatpak run` command-line permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

from localproof.collect.dconfdb import DconfError, keyfile_values
from localproof.collect.fsroot import AuditRoot, describe_error
from localproof.facts import FileKind

USER_INSTALLATION = ".local/share/flatpak"
SYSTEM_INSTALLATION = "/var/lib/flatpak"
APP_DATA = ".var/app"
DCONF_POLICY = "/Session Bus Policy/ca.desrt.dconf"  # as dconfdb.keyfile_values names it
MAX_METADATA = 1 << 20


@dataclass(frozen=True)
class FlatpakApp:
    """An installed app: its metadata file, its per-user data folder, and whether GLib in
    it uses the host's dconf (None with `error` when the permissions cannot be read)."""

    app_id: str
    metadata: str
    data: str
    uses_dconf: bool | None
    error: str | None = None

    @property
    def settings_keyfile(self) -> str:
        return f"{self.data}/config/glib-2.0/settings/keyfile"

    @property
    def cache(self) -> str:
        return f"{self.data}/cache"


def find_app(root: AuditRoot, home: str, app_id: str) -> FlatpakApp | None:
    """The app as installed for the user, else system-wide; None when it is not installed."""
    for installation, system in ((f"{home}/{USER_INSTALLATION}", False),
                                 (SYSTEM_INSTALLATION, True)):  # fmt: skip
        metadata = f"{installation}/app/{app_id}/current/active/metadata"
        if root.stat(metadata).kind is FileKind.MISSING:
            continue
        data = f"{home}/{APP_DATA}/{app_id}"
        overrides = [f"{home}/{USER_INSTALLATION}/overrides/{name}" for name in ("global", app_id)]
        if system:
            overrides[:0] = [f"{SYSTEM_INSTALLATION}/overrides/{n}" for n in ("global", app_id)]
        try:
            return FlatpakApp(app_id, metadata, data, _talks_to_dconf(root, metadata, overrides))
        except (OSError, DconfError) as error:
            reason = describe_error(error) if isinstance(error, OSError) else str(error)
            return FlatpakApp(app_id, metadata, data, None, f"Flatpak permissions: {reason}")
    return None


def _talks_to_dconf(root: AuditRoot, metadata: str, overrides: list[str]) -> bool:
    """The last word on `ca.desrt.dconf` in the metadata and the overrides is `talk`."""
    policy: str | None = None
    for path in (metadata, *overrides):
        if path != metadata and root.stat(path).kind is FileKind.MISSING:
            continue
        data = root.read_bytes(path, MAX_METADATA + 1)
        if len(data) > MAX_METADATA:
            raise DconfError(f"{path}: larger than {MAX_METADATA >> 20} MiB, not read")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise DconfError(f"{path}: not UTF-8") from None
        policy = keyfile_values(text, path).get(DCONF_POLICY, policy)
    return policy is not None and policy.rstrip() == "talk"

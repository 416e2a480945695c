"""Déjà Dup installed from Flathub, its settings in each user's Flatpak GSettings keyfile
(written by the real GLib) rather than in dconf: fay's user install saves her whole home,
~/.ollama included, to a local folder holding plain duplicity volumes; gus's system-wide
install excludes ~/.ollama and saves the rest to a server; hal's keyfile is damaged."""

from __future__ import annotations

from tests.builders import HostBuilder
from tests.builders.desktopbackup import duplicity_volumes, flatpak_deja_dup
from tests.builders.ollama import write_repl_history


def build(host: HostBuilder) -> None:
    fay = host.user("fay", 1000, home_mode=0o700)
    gus = host.user("gus", 1001, home_mode=0o700)
    hal = host.user("hal", 1002, home_mode=0o700)
    host.file("/etc/hostname", "flat-desk\n")
    write_repl_history(fay / ".ollama" / "history", ["summarise my lab results"])
    flatpak_deja_dup(host, "/home/fay", "home-local", uid=1000)
    duplicity_volumes(host, "/mnt/backup/deja-dup", encrypted=False)
    write_repl_history(gus / ".ollama" / "history", ["draft the lease renewal"])
    flatpak_deja_dup(host, "/home/gus", "ollama-excluded-remote", uid=1001, system=True)
    write_repl_history(hal / ".ollama" / "history", ["plan the week"])
    keyfile = flatpak_deja_dup(host, "/home/hal", "keywords", uid=1002)
    host.file(keyfile, "[org/gnome/deja-dup\ninclude-list=['$HOME']\n", mode=0o600, uid=1002)

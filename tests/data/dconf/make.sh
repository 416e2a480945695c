#!/bin/sh
# Regenerates the dconf user databases in this folder with the real dconf (dconf-cli and
# dbus): each fixture is written by `dconf write` into an empty, throw-away home.
# Usage: sh tests/data/dconf/make.sh   (not run by the tests, which use the files as they are)
set -eu
here=$(cd "$(dirname "$0")" && pwd)

make_db() {  # make_db NAME 'KEY VALUE' ...
    name=$1
    shift
    home=$(mktemp -d)
    mkdir -m 700 "$home/run"
    for pair in "$@"; do
        key=${pair%% *}
        value=${pair#* }
        HOME=$home XDG_CONFIG_HOME=$home/.config XDG_RUNTIME_DIR=$home/run \
            dbus-run-session -- dconf write "$key" "$value" 2>/dev/null
    done
    cp "$home/.config/dconf/user" "$here/$name.dconf"
    rm -rf "$home"
}

D=/org/gnome/deja-dup
make_db documents-local \
    "$D/include-list ['\$HOME/Documents']" \
    "$D/periodic true" \
    "$D/periodic-period 7" \
    "$D/backend 'local'" \
    "$D/local/folder '/mnt/backup/deja-dup'" \
    "/org/gnome/desktop/interface/color-scheme 'prefer-dark'" \
    "/org/example/private/last-search 'CANARY-dconf-value-5e1f'"
make_db ollama-excluded-remote \
    "$D/exclude-list ['\$TRASH', '\$DOWNLOAD', '\$HOME/.ollama', \
'\$HOME/.local/share/Steam/steamapps/common', '\$HOME/.var/app/com.valvesoftware.Steam', \
'\$HOME/Videos/Screencasts/Conference recordings 2024', '\$HOME/VirtualBox VMs', \
'\$HOME/.local/share/containers/storage', '\$HOME/src/build-output/artifacts']" \
    "$D/periodic true" \
    "$D/last-backup '2025-05-01T10:00:00.000000Z'" \
    "$D/backend 'remote'" \
    "$D/remote/uri 'sftp://backup.example.org/'"
make_db restic-google \
    "$D/tool 'restic'" \
    "$D/backend 'google'" \
    "$D/periodic true"
make_db local-defaults \
    "$D/backend 'local'" \
    "$D/local/folder '/mnt/backup/deja-dup'" \
    "$D/periodic true"
make_db keywords \
    "$D/include-list ['\$DOCUMENTS/notes', 'Projects', '/srv/\$USER', \
'file:///data/shared%20files', 'sftp://nas.example.org/home', '\$MUSIC']" \
    "$D/exclude-list ['\$DOCUMENTS/notes/private', '\$VIDEOS', '\$HOME/Projects/build']" \
    "$D/last-backup '2025-04-30T08:00:00.000000Z'"
make_db wrong-types \
    "$D/include-list '\$HOME/Documents'" \
    "$D/backend 42" \
    "$D/tool 'tar'" \
    "$D/periodic 'yes'"
make_db unrelated \
    "/org/gnome/desktop/interface/color-scheme 'prefer-dark'" \
    "/org/gnome/desktop/input-sources/sources [('xkb', 'us')]"

# Screen lock: GNOME's keys (gsettings-desktop-schemas org.gnome.desktop.session,
# .screensaver and .lockdown). `dconf write KEY 0` stores an int32, which GSettings ignores
# for these uint32 keys (lock-untyped); `uint32 0` is the value GNOME itself writes.
S=/org/gnome/desktop/screensaver
I=/org/gnome/desktop/session
make_db lock-never \
    "$I/idle-delay uint32 0" \
    "/org/example/private/last-search 'CANARY-dconf-lock-9c2d'"
make_db lock-off \
    "$S/lock-enabled false" \
    "$I/idle-delay uint32 600"
make_db lock-ten-minutes \
    "$I/idle-delay uint32 600" \
    "$S/lock-delay uint32 30"
make_db lock-untyped \
    "$I/idle-delay 0"
make_db lock-disabled \
    "/org/gnome/desktop/lockdown/disable-lock-screen true"

# Screen lock on Cinnamon (cinnamon-desktop org.cinnamon.desktop.session and .screensaver:
# uint32 seconds) and MATE (mate-session-manager org.mate.session idle-delay and
# mate-screensaver org.mate.screensaver: int32 minutes, so a bare `0` has the right type).
C=/org/cinnamon/desktop
make_db cinnamon-lock-off \
    "$C/screensaver/lock-enabled false"
make_db cinnamon-never \
    "$C/session/idle-delay uint32 0"
make_db cinnamon-five-minutes \
    "$C/session/idle-delay uint32 300" \
    "$C/screensaver/lock-delay uint32 30"
M=/org/mate
make_db mate-never \
    "$M/session/idle-delay 0"
make_db mate-no-idle \
    "$M/screensaver/idle-activation-enabled false"
make_db mate-ten-minutes \
    "$M/session/idle-delay 10" \
    "$M/screensaver/lock-delay 2"
make_db mate-untyped \
    "$M/session/idle-delay uint32 0"
make_db mate-disabled \
    "$M/lockdown/disable-lock-screen true"

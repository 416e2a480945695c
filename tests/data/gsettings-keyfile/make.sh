#!/bin/sh
# Regenerates the GSettings keyfiles in this folder with the real GLib (libglib2.0-bin):
# `gsettings set` under GSETTINGS_BACKEND=keyfile writes $XDG_CONFIG_HOME/glib-2.0/settings/
# keyfile, the file a Flatpak app without dconf access keeps its settings in. The schema is
# Déjà Dup's own, configured as its data/meson.build does for the Flathub build.
# Usage: sh tests/data/gsettings-keyfile/make.sh DEJA_DUP_SOURCE/data/app.gschema.xml.in
#        (not run by the tests, which use the files as they are)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
schema_in=$1
schemas=$(mktemp -d)
sed -e 's/@appid@/org.gnome.DejaDup/g' -e 's/@gsettingspath@/deja-dup/g' \
    -e 's/@gettext@/deja-dup/g' "$schema_in" > "$schemas/org.gnome.DejaDup.gschema.xml"
glib-compile-schemas --strict "$schemas"

make_keyfile() {  # make_keyfile NAME 'SCHEMA KEY VALUE' ...
    name=$1
    shift
    home=$(mktemp -d)
    for triple in "$@"; do
        schema=${triple%% *}
        rest=${triple#* }
        key=${rest%% *}
        value=${rest#* }
        HOME=$home XDG_CONFIG_HOME=$home/config GSETTINGS_BACKEND=keyfile \
            GSETTINGS_SCHEMA_DIR=$schemas gsettings set "$schema" "$key" "$value"
    done
    cp "$home/config/glib-2.0/settings/keyfile" "$here/$name.keyfile"
    rm -rf "$home"
}

D=org.gnome.DejaDup
make_keyfile home-local \
    "$D include-list ['\$HOME']" \
    "$D periodic true" \
    "$D last-backup '2025-05-01T10:00:00.000000Z'" \
    "$D backend 'local'" \
    "$D.Local folder '/mnt/backup/deja-dup'"
make_keyfile ollama-excluded-remote \
    "$D exclude-list ['\$TRASH', '\$DOWNLOAD', '\$HOME/.ollama', \"\$HOME/Dana's notes\"]" \
    "$D periodic true" \
    "$D backend 'remote'" \
    "$D.Remote uri 'sftp://backup.example.org/'" \
    "$D.Remote folder 'Conference'"
make_keyfile keywords \
    "$D include-list ['\$DOCUMENTS/notes', 'Projects', '/srv/\$USER', \
'file:///data/shared%20files', 'sftp://nas.example.org/home']" \
    "$D exclude-list ['\$DOCUMENTS/notes/private', '\$HOME/Projects/build']" \
    "$D tool 'restic'" \
    "$D last-backup '2025-04-30T08:00:00.000000Z'"
rm -rf "$schemas"

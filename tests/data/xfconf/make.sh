#!/bin/sh
# Regenerates the xfconf channel files in this folder with the real xfconf (xfconf-query
# and xfconfd, with dbus): each fixture is written by `xfconf-query -c xfce4-screensaver`
# into an empty, throw-away home, then its
# ~/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml is copied here.
# Usage: sh tests/data/xfconf/make.sh   (not run by the tests, which use the files as they are)
set -eu
here=$(cd "$(dirname "$0")" && pwd)

make_channel() {  # make_channel NAME 'PROPERTY TYPE VALUE' ...
    name=$1
    shift
    home=$(mktemp -d)
    mkdir -m 700 "$home/run"
    script=""
    for triple in "$@"; do
        set -- $triple
        script="$script xfconf-query -c xfce4-screensaver -p $1 -n -t $2 -s $3 &&"
    done
    HOME=$home XDG_CONFIG_HOME=$home/.config XDG_RUNTIME_DIR=$home/run \
        dbus-run-session -- sh -c "$script sleep 6" 2>/dev/null  # xfconfd saves after 5 s
    cp "$home/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml" \
        "$here/$name.xml"
    rm -rf "$home"
}

# xfce4-screensaver's keys (src/gs-prefs.h): booleans and int minutes.
make_channel lock-off "/lock/enabled bool false"
make_channel saver-off "/saver/enabled bool false"
make_channel no-idle-lock "/lock/saver-activation/enabled bool false"
make_channel no-sleep-lock "/lock/sleep-activation bool false"
make_channel twenty-minutes \
    "/saver/idle-activation/delay int 15" \
    "/lock/saver-activation/delay int 5" \
    "/saver/mode int 0"
make_channel delay-zero "/saver/idle-activation/delay int 0"
make_channel wrong-type \
    "/lock/enabled string false" \
    "/saver/idle-activation/delay uint 0"

#!/usr/bin/env bash
# Install the .deb on this machine, start the installed app under Xvfb (the real xcb
# platform, not offscreen), check the desktop entry and the command line, then remove
# the package and check a worker's workspace is still there. Needs root (CI runs as
# root on a throwaway machine): it really installs and removes the package.
set -euo pipefail
cd "$(dirname "$0")/../.."

deb=$(ls dist/msp-desktop_*_amd64.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || { echo "install-test: no dist/msp-desktop_*_amd64.deb; run make package first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "install-test: needs root (it installs the package)" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
need=()
command -v xvfb-run >/dev/null || need+=(xvfb xauth)
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
# An index that fails to download (a mirror mid-sync, say the i386 one that
# `make windows-check` adds for wine32) is reported, not fatal: the install below says
# if anything it needs is missing.
apt-get update -qq || echo "install-test: apt-get update reported errors; going on"
if [ ${#need[@]} -gt 0 ]; then apt-get install -y -qq --no-install-recommends "${need[@]}"; fi
# apt resolves the X11 libraries the package depends on; dpkg -i would not.
apt-get install -y -qq --no-install-recommends "./$deb"

echo "install-test: installed $(dpkg-query -W -f='${Package} ${Version} (${Installed-Size} KiB)' msp-desktop)"
desktop-file-validate /usr/share/applications/msp-desktop.desktop
test -f /usr/share/icons/hicolor/256x256/apps/msp-desktop.png

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
# Started as a worker would, from the menu's command, with a real X server.
env -u QT_QPA_PLATFORM HOME="$home" xvfb-run -a -s "-screen 0 1280x800x24" msp-desktop --smoke

# A worker's workspace, made with the installed command line...
HOME="$home" MSP_PASSPHRASE="install test passphrase" msp init --worker "Install Test" >/dev/null
workspace="$home/.local/share/MSP Desktop/workspace"
test -f "$workspace/workspace.db"
before=$(sha256sum "$workspace/workspace.db" "$workspace/workspace.keys.json")

# ...survives removing the package, even purging it.
apt-get purge -y -qq msp-desktop >/dev/null
test ! -e /opt/msp-desktop
test ! -e /usr/bin/msp-desktop
after=$(sha256sum "$workspace/workspace.db" "$workspace/workspace.keys.json")
[ "$before" = "$after" ] || { echo "install-test: removing the package changed the workspace" >&2; exit 1; }
echo "install-test: installed, started under Xvfb, removed; the workspace is untouched"

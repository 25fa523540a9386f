# Shared set-up for scripts/demo, scripts/test and scripts/bench: sourced, not run.
# Idempotent: every step checks before it acts, so a second run costs seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cms.settings.dev}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { [ "${QUIET:-0}" = 1 ] || printf '==> %s\n' "$*"; }

find_python312() {
    local candidate
    for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.12 not found (tried python3.12, ~/.pyenv/versions/3.12*, /usr/bin)." >&2
    echo "       Install it (apt-get install python3.12, or pyenv install 3.12) and run again." >&2
    return 1
}

# Debian packages the pipeline needs outside Python: GNU gettext (msgfmt -c checks catalogs),
# and for the browser tests Chromium with CJK fonts so Korean is not drawn as empty boxes.
ensure_apt_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "error: missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
        return 1
    fi
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Creates .venv with Python 3.12 and installs the project with the given extras. Re-installs
# only when pyproject.toml changed since the last install.
ensure_venv() {
    local extras="${1:-}" stamp="$VENV/.installed-${1:-base}" target="$ROOT"
    [ -n "$extras" ] && target="$ROOT[$extras]"
    if [ ! -x "$PY" ] || ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
        say "creating .venv with Python 3.12"
        rm -rf "$VENV"
        "$(find_python312)" -m venv "$VENV"
    fi
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        say "installing Python packages${extras:+ ($extras)}"
        # pip's own chatter goes to a log, shown only when the install fails.
        if ! { "$PY" -m pip install --quiet --upgrade pip &&
               "$PY" -m pip install --quiet -e "$target"; } >"$VENV/pip.log" 2>&1; then
            cat "$VENV/pip.log" >&2
            echo "error: installing Python packages failed (log: $VENV/pip.log)" >&2
            return 1
        fi
        touch "$stamp"
    fi
}

# npm tools the tests run (json-schema-to-typescript, pinned by scripts/node/package-lock.json),
# installed into .venv/node: project-local, never global. Re-installed when the lock changes.
ensure_node_tools() {
    local target="$VENV/node" lock="$ROOT/scripts/node/package-lock.json"
    [ -f "$target/.installed" ] && [ ! "$lock" -nt "$target/.installed" ] && return 0
    if ! command -v npm >/dev/null 2>&1; then
        echo "error: npm not found (Node.js 20+ with npm; on Debian: apt-get install nodejs npm)" >&2
        return 1
    fi
    say "installing npm test tools into .venv/node"
    mkdir -p "$target"
    cp "$ROOT/scripts/node/package.json" "$lock" "$target/"
    if ! (cd "$target" && npm ci --no-audit --no-fund --loglevel=error) >"$target/npm.log" 2>&1; then
        cat "$target/npm.log" >&2
        echo "error: installing npm test tools failed (log: $target/npm.log)" >&2
        return 1
    fi
    touch "$target/.installed"
}

manage() { (cd "$ROOT" && "$PY" manage.py "$@"); }

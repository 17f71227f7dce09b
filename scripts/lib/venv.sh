# Sourced by scripts/run and scripts/bench: `ensure_venv DIR [EXTRAS]` installs this checkout into
# the virtual environment DIR (created if missing), as a user would install it: mcshell's hot
# modules compiled with mypyc (about a minute), or pure Python where that cannot be done. It is
# installed again when pyproject.toml, setup.py or any source file is newer than the last install.
ensure_venv() {
    local venv="$1" extras="${2:-}" root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    local stamp="$venv/.installed"
    if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] &&
        [ -z "$(find "$root/mcshell" "$root/pyproject.toml" "$root/setup.py" -newer "$stamp" -print -quit)" ]; then
        return 0
    fi
    echo "setting up $venv (compiling mcshell takes about a minute)..." >&2
    [ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
    # Uninstalled first: pip would keep an installed mcshell of the same version as it is.
    "$venv/bin/python" -m pip uninstall --quiet --yes mcshell >/dev/null 2>&1 || true
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$root$extras" >&2 || return 1
    touch "$stamp"
}

# Sourced by scripts/run and scripts/bench: this checkout installed in a virtual environment.
#
# An environment DIR (.venv, .venv-fast, .venv-bench) is a symbolic link to one of two installs of the
# checkout kept in DIR.d/: `pure` (mcshell in pure Python: seconds to install) and `compiled` (as a user
# installs it, its hot modules compiled by mypyc: about a minute). An install is made again when
# pyproject.toml, setup.py or a source file is newer than it. The link is replaced by one rename, so a
# run sees one whole install or the other.
#
#   venv_for_run DIR             scripts/run: the compiled install when it is up to date; otherwise the
#                                pure one (installed first when needed) while the compiled one is built
#                                in the background (log: DIR.d/compiled.log), for the runs after it
#   venv_compiled DIR [EXTRAS]   scripts/bench: the compiled install, waiting for a build under way or
#                                building it here; fails rather than fall back on pure Python
#
# DIR.d/lock is held while an install or the link changes (concurrent runs wait for each other), and
# DIR.d/build.lock while the compiled build runs (one at a time). A compiled build that failed leaves
# DIR.d/compiled.failed and is not tried again by scripts/run until a source file changes.
# PYTHON (default python3) makes the environments.

_venv_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_venv_says="scripts/$(basename "$0")"

_venv_say() { echo "$_venv_says: $*" >&2; }

# flock(2) on descriptor $1 (8 or 9), which this shell holds open: the lock lasts until it is closed.
# With `try`: give up at once (status 1) when another process holds it.
_venv_lock() {
    "${PYTHON:-python3}" -c '
import fcntl, sys
try:
    fcntl.flock(int(sys.argv[1]), fcntl.LOCK_EX | (fcntl.LOCK_NB if sys.argv[2:] else 0))
except BlockingIOError:
    sys.exit(1)' "$@"
}

# The sources an install is made from: none is newer than the file $1.
_venv_unchanged_since() {
    [ -z "$(find "$_venv_root/mcshell" "$_venv_root/pyproject.toml" "$_venv_root/setup.py" \
        -name __pycache__ -prune -o -newer "$1" -print -quit)" ]
}

_venv_fresh() { [ -x "$1/bin/python" ] && [ -f "$1/.installed" ] && _venv_unchanged_since "$1/.installed"; }

_venv_points_at() { [ "$(readlink "$1" 2>/dev/null)" = "$(basename "$1").d/$2" ]; }

# Points the link $1 at its install $2, in one rename. Called with DIR.d/lock held.
_venv_point() {
    _venv_points_at "$1" "$2" && return 0
    rm -f "$1.new" && ln -s "$(basename "$1").d/$2" "$1.new" &&
        "${PYTHON:-python3}" -c 'import os, sys; os.replace(sys.argv[1], sys.argv[2])' "$1.new" "$1"
}

# Takes DIR.d/lock (descriptor 9) for the caller; an environment of the old layout (a directory where
# the link goes) is removed.
_venv_take_lock() {
    mkdir -p "$1.d" && exec 9>"$1.d/lock" && _venv_lock 9 || return 1
    if [ -e "$1" ] && [ ! -L "$1" ]; then rm -rf "$1"; fi
}

# Is a compiled build of DIR under way (DIR.d/build.lock held)?
_venv_building() {
    exec 8>"$1.d/build.lock"
    if _venv_lock 8 try; then exec 8>&-; return 1; fi
    exec 8>&-
}

# Has the compiled build failed on these very sources?
_venv_failed() { [ -f "$1.d/compiled.failed" ] && _venv_unchanged_since "$1.d/compiled.failed"; }

_venv_install_pure() {
    local venv="$1" install="$1.d/pure"
    _venv_say "setting up $venv: mcshell in pure Python first (about 15 s), then its compiled build in the background"
    if [ ! -x "$install/bin/python" ]; then
        _venv_say "creating the virtual environment $install"
        "${PYTHON:-python3}" -m venv "$install" >&2 || return 1
    fi
    rm -f "$install/.installed"
    touch "$venv.d/pure.started"  # the sources read are those older than this
    _venv_say "installing mcshell (pure Python) and its dependencies into $install"
    # Uninstalled first: pip would keep an installed mcshell of the same version as it is.
    "$install/bin/python" -m pip uninstall --quiet --yes mcshell >/dev/null 2>&1 || true
    MCSHELL_PURE_PYTHON=1 "$install/bin/python" -m pip install --quiet --disable-pip-version-check "$_venv_root" >&2 ||
        return 1
    mv "$venv.d/pure.started" "$install/.installed"
}

# Builds DIR.d/compiled (its wheel built with MCSHELL_REQUIRE_COMPILED=1: never pure Python), then points
# DIR at it if no source changed meanwhile. Called with DIR.d/build.lock held; `nice` for the background.
_venv_build_compiled() {
    local venv="$1" extras="$2" nice="$3" install="$1.d/compiled" wheels="$1.d/wheel"
    rm -f "$venv.d/compiled.failed" "$install/.installed"
    touch "$venv.d/compiled.started"
    local pip=($nice "$install/bin/python" -m pip --disable-pip-version-check)
    if { [ -x "$install/bin/python" ] || "${PYTHON:-python3}" -m venv "$install"; } &&
        rm -rf "$wheels" &&
        MCSHELL_REQUIRE_COMPILED=1 "${pip[@]}" wheel --quiet --no-deps --wheel-dir "$wheels" "$_venv_root" &&
        { "${pip[@]}" uninstall --quiet --yes mcshell >/dev/null 2>&1 || true; } &&
        "${pip[@]}" install --quiet "$(echo "$wheels"/mcshell-*.whl)$extras"; then
        mv "$venv.d/compiled.started" "$install/.installed"
        local status=0
        if _venv_take_lock "$venv"; then
            if _venv_fresh "$install"; then _venv_point "$venv" compiled || status=1; fi
        else
            status=1
        fi
        exec 9>&-
        return "$status"
    fi
    mv "$venv.d/compiled.started" "$venv.d/compiled.failed"
    return 1
}

# The background build started by scripts/run, unless one is under way: DIR.d/build.lock is taken
# here and handed to it, so that it is held from now on. Detached from the terminal and from this
# run's other descriptors, its output in DIR.d/compiled.log, at a lower priority than the run.
_venv_start_build() {
    local venv="$1" log="$1.d/compiled.log"
    exec 8>"$venv.d/build.lock"
    if _venv_lock 8 try; then
        _venv_say "compiling mcshell in the background (about a minute; log: $log); the runs after it use the compiled build"
        (
            exec 9>&-
            trap '' HUP INT
            _venv_build_compiled "$venv" "" "nice -n 10"
        ) </dev/null >"$log" 2>&1 &
    fi
    exec 8>&-
}

venv_for_run() {
    local venv="$1"
    if _venv_points_at "$venv" compiled && _venv_fresh "$venv.d/compiled"; then return 0; fi
    local log="$venv.d/compiled.log"
    if _venv_points_at "$venv" pure && _venv_fresh "$venv.d/pure"; then
        if _venv_failed "$venv"; then
            _venv_say "the compiled build failed (log: $log); running mcshell in pure Python until a source file changes"
            return 0
        elif _venv_building "$venv"; then
            _venv_say "running mcshell in pure Python while its compiled build is under way (log: $log)"
            return 0
        fi
    fi
    _venv_take_lock "$venv" || return 1
    local status=0
    if _venv_fresh "$venv.d/compiled"; then
        _venv_point "$venv" compiled || status=1
    elif { _venv_fresh "$venv.d/pure" || _venv_install_pure "$venv"; } && _venv_point "$venv" pure; then
        if _venv_failed "$venv"; then
            _venv_say "the compiled build failed (log: $log); running mcshell in pure Python until a source file changes"
        else
            _venv_start_build "$venv"
        fi
    else
        status=1
    fi
    exec 9>&-
    return "$status"
}

venv_compiled() {
    local venv="$1" extras="${2:-}"
    if _venv_points_at "$venv" compiled && _venv_fresh "$venv.d/compiled"; then return 0; fi
    mkdir -p "$venv.d" && exec 8>"$venv.d/build.lock" || return 1
    if ! _venv_lock 8 try; then
        _venv_say "waiting for the compiled build under way (log: $venv.d/compiled.log)"
        _venv_lock 8 || return 1
    fi
    local status=0
    if _venv_fresh "$venv.d/compiled"; then
        _venv_take_lock "$venv" && _venv_point "$venv" compiled || status=1
        exec 9>&-
    else
        _venv_say "building $venv: mcshell compiled by mypyc (about a minute)"
        _venv_build_compiled "$venv" "$extras" "" >&2 || {
            status=1
            _venv_say "the compiled build of $venv failed"
        }
    fi
    exec 8>&-
    return "$status"
}

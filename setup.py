"""Compiles the modules every statement of a script runs through with mypyc, as sqlglotc does for
sqlglot; everything else is in pyproject.toml.

The compiled build is an optimization, not a requirement: an editable install, a machine with no C
compiler, or MCSHELL_PURE_PYTHON=1 gets the same package in pure Python. MCSHELL_REQUIRE_COMPILED=1
turns that fallback into a build error (scripts/test sets it). What the compiler asks of the code:
"The compiled build" in docs/development.md.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The hot path of a script (text -> statements -> handlers -> catalog -> console). Left out on
# purpose: the dialect and errors.py (see docs/development.md).
COMPILED = [
    "mcshell/sql/source.py", "mcshell/sql/splitter.py", "mcshell/sql/cursor.py", "mcshell/sql/clauses.py",
    "mcshell/sql/parser.py", "mcshell/sql/statements.py", "mcshell/sql/lexicon.py",
    "mcshell/rules/validate.py", "mcshell/rules/privileges.py", "mcshell/rules/handlers.py",
    "mcshell/rules/access.py",
    "mcshell/catalog/records.py", "mcshell/catalog/connection.py", "mcshell/catalog/transactions.py",
    "mcshell/catalog/schema.py", "mcshell/catalog/store.py",
    "mcshell/output/results.py", "mcshell/output/console.py", "mcshell/session.py",
    "mcshell/rules/context.py", "mcshell/batches.py", "mcshell/value.py",
    "mcshell/sql/select.py", "mcshell/rules/columns.py", "mcshell/rules/functions.py",
]  # fmt: skip
# interrupts.py stays interpreted: entering its `with` block runs the eval loop, which runs a Ctrl-C
# handler still pending from compiled code before mcshell blocks in a read (see interrupts.py).
REQUIRED = os.environ.get("MCSHELL_REQUIRE_COMPILED") == "1"


def not_compiled(error: BaseException | str, quiet: bool = False) -> None:
    if REQUIRED:
        raise SystemExit(f"mcshell: not compiled ({error}), and MCSHELL_REQUIRE_COMPILED=1 asks for the compiled build")
    if not quiet:
        sys.stderr.write(f"mcshell: not compiled ({error}); installing the pure-Python package\n")


class OptionalBuildExt(build_ext):
    """All the compiled modules or none: a failed compile leaves the pure-Python package."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # noqa: BLE001 - any failure means: install the pure-Python package
            for extension in self.extensions:
                path = self.get_ext_fullpath(extension.name)
                if os.path.exists(path):
                    os.remove(path)
            not_compiled(error)


def fresh_directory() -> str:
    """A build directory of this build only: nothing of an earlier build (a module compiled then,
    not now) can end up in the package."""
    path = tempfile.mkdtemp(prefix="mcshell-build-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


BUILD = fresh_directory()


# The commands that build the package. pip also runs this file for the package's metadata
# (egg_info, dist_info), where mypy's half a minute would be wasted, and for editable installs
# (editable_wheel), where compiled modules built in place would shadow the sources being edited.
BUILDING = {"bdist_wheel", "build", "build_ext", "install"}


def compiler_fails() -> str | None:
    """Why the C compiler cannot build an extension, or None: tried on a file of two lines before
    mypyc's half a minute of type checking, so that a build with no working compiler (none, no Python
    headers, CC=/bin/false) falls back on pure Python, or fails, at once."""
    from distutils.ccompiler import new_compiler  # setuptools' distutils, as build_ext's
    from distutils.sysconfig import customize_compiler, get_python_inc

    compiler = new_compiler()
    customize_compiler(compiler)  # CC, CFLAGS ... as build_ext reads them
    with tempfile.TemporaryDirectory(prefix="mcshell-cc-") as directory:
        source = os.path.join(directory, "probe.c")
        with open(source, "w") as file:
            file.write("#include <Python.h>\nint mcshell_probe(void) { return 0; }\n")
        headers = [get_python_inc(), get_python_inc(plat_specific=True)]
        try:
            compiler.compile([source], output_dir=directory, include_dirs=headers)
        except Exception as error:  # noqa: BLE001 - CompileError, a missing program ...: no compiled build
            return f"the C compiler fails on a test file: {error}"
    return None


def compiled_modules() -> list:
    if not BUILDING.intersection(sys.argv[1:]):
        if REQUIRED and "editable_wheel" in sys.argv[1:]:
            not_compiled("an editable install is pure Python", quiet=True)
        return []
    if os.environ.get("MCSHELL_PURE_PYTHON"):
        not_compiled("MCSHELL_PURE_PYTHON is set", quiet=True)
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as error:
        not_compiled(error, quiet=True)
        return []
    failure = compiler_fails()
    if failure:
        not_compiled(failure)
        return []
    try:
        # Types of sqlglot, click and prompt_toolkit are not needed to compile: they are not in
        # the build environment.
        # Nor is the strict configuration of scripts/check (pyproject.toml [tool.mypy]), which needs them.
        # The modules they import but that are not compiled (mcshell.runtime ...) are read for their
        # types, and their own errors are the business of scripts/check, not of the build.
        flags = ["--config-file=", "--ignore-missing-imports", "--follow-imports=silent"]
        return mypycify([*flags, *COMPILED], opt_level="3", target_dir=os.path.join(BUILD, "c"))
    except (Exception, SystemExit) as error:  # noqa: BLE001 - mypy refused the code: pure Python
        not_compiled(error)
        return []


setup(
    ext_modules=compiled_modules(),
    cmdclass={"build_ext": OptionalBuildExt},
    options={"build": {"build_base": BUILD}},
)

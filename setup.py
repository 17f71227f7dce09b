"""Compiles the modules every statement of a script runs through with mypyc, as sqlglotc does for
sqlglot; everything else is in pyproject.toml.

The compiled build is an optimization only, never a requirement: an editable install, a machine
with no C compiler, or MCSHELL_PURE_PYTHON=1 gets the same package in pure Python.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The hot path of a script (text -> statements -> handlers -> catalog -> console). The dialect is
# left out on purpose: it subclasses sqlglot's Tokenizer, which compiled code cannot.
COMPILED = [
    "mcshell/sql/source.py", "mcshell/sql/splitter.py", "mcshell/sql/cursor.py", "mcshell/sql/clauses.py",
    "mcshell/sql/parser.py", "mcshell/sql/statements.py",
    "mcshell/rules/validate.py", "mcshell/rules/privileges.py", "mcshell/rules/handlers.py", "mcshell/catalog/store.py",
    "mcshell/output/results.py", "mcshell/output/console.py", "mcshell/session.py", "mcshell/sql/lexicon.py",
]  # fmt: skip
# errors.py stays interpreted: its classes are raised only on failures, and their ODPS codes are
# class attributes that mypyc would make per-instance.


def not_compiled(error: BaseException) -> None:
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


def compiled_modules() -> list:
    if os.environ.get("MCSHELL_PURE_PYTHON") or not BUILDING.intersection(sys.argv[1:]):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        return []
    try:
        # Types of sqlglot, click and prompt_toolkit are not needed to compile: they are not in
        # the build environment.
        return mypycify(["--ignore-missing-imports", *COMPILED], opt_level="3", target_dir=os.path.join(BUILD, "c"))
    except (Exception, SystemExit) as error:  # noqa: BLE001 - mypy refused the code: pure Python
        not_compiled(error)
        return []


setup(
    ext_modules=compiled_modules(),
    cmdclass={"build_ext": OptionalBuildExt},
    options={"build": {"build_base": BUILD}},
)

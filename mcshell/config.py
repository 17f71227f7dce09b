"""Where things live and who is acting, when the command line does not say."""

from __future__ import annotations

import getpass
import os

APP_NAME = "mcshell"
DEFAULT_PROJECT = "my_project"


def app_dir() -> str:
    """The user's application directory (XDG on Linux, Application Support on macOS)."""
    import click

    return click.get_app_dir(APP_NAME)


def default_catalog_path() -> str:
    return os.path.join(app_dir(), "catalog.db")


def default_user() -> str:
    """MaxCompute owners look like ALIYUN$<account>: the login name stands for the account."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "user"
    return f"ALIYUN${login}"

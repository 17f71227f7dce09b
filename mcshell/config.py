"""Where things live and who is acting, when the command line does not say."""

from __future__ import annotations

import getpass
import os

from mcshell.errors import quoted

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


# The settings mcshell reads from the --config file: odpscmd's project_name, and its own keys for
# running models (mcshell's decision: odps_config.ini has no such keys; odpscmd reads past them).
CONFIG_KEYS = ("project_name", "oss_root", "invoke", "public_endpoint")
# odpscmd's connection keys, read only by pull, plan and apply (mcshell/remote/target.py); the
# access key is kept in memory only, never printed, logged or stored.
CONNECTION_KEYS = ("end_point", "access_id", "access_key")


_KEPT = CONFIG_KEYS + CONNECTION_KEYS


def read_odps_config(path: str) -> dict[str, str]:
    """The `key=value` settings of an odpscmd `odps_config.ini` (`#` starts a comment line).

    Only CONFIG_KEYS and CONNECTION_KEYS are kept; the access keys are never printed.
    """
    settings: dict[str, str] = {}
    with open(path, encoding="utf-8-sig") as file:
        for line in file:
            key, eq, value = line.strip().partition("=")
            if eq and not key.startswith(("#", ";", "[")) and key.strip() in _KEPT:
                settings[key.strip()] = value.strip()
    return settings


# The spellings of a boolean in the --config file (mcshell's decision: odpscmd has no boolean key of
# mcshell's; these are the usual ones). Anything else is an error naming the file and the key.
BOOLEANS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}


def read_boolean(value: str) -> bool:
    found = BOOLEANS.get(value.strip().lower())
    if found is None:
        raise ValueError(f"{quoted(value)} is not a boolean; use true or false (also 1/0, yes/no, on/off)")
    return found


def directory(value: str) -> str:
    """A directory that exists, as --oss-root needs one."""
    if not os.path.isdir(value):
        raise ValueError(f"{quoted(value)} {'is not a directory' if os.path.exists(value) else 'does not exist'}")
    return value

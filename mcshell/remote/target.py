"""Which MaxCompute project `pull`, `plan` and `apply` talk to, and with which credentials.

Read without pyodps: from odpscmd's `odps_config.ini` (`end_point`, `project_name`, `access_id`,
`access_key`, as odpscmd reads them), else from the environment (`ODPS_ENDPOINT`,
`ODPS_PROJECT_NAME`, Alibaba Cloud's `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET`, or pyodps's own STS
variables, which pyodps reads itself). A Target never shows its secrets: its repr leaves them
out, and `scrub` takes them out of any text that came back from the service or the client.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# odpscmd's keys (https://www.alibabacloud.com/help/en/maxcompute/user-guide/maxcompute-client).
CONFIG_ENDPOINT, CONFIG_PROJECT, CONFIG_ID, CONFIG_KEY = "end_point", "project_name", "access_id", "access_key"
ENV_ENDPOINT, ENV_PROJECT = "ODPS_ENDPOINT", "ODPS_PROJECT_NAME"
ENV_ID, ENV_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
# pyodps's STS variables (odps/accounts.py, StsAccount.from_environments): pyodps reads them itself.
ENV_STS = ("ODPS_STS_ACCOUNT_FILE", "ODPS_STS_TOKEN", "ODPS_STS_ACCESS_KEY_ID")
# Real AccessKey IDs have 16 to 30 characters. A shorter id (a test's `a`) is masked only where it
# stands as a word of its own, so that it does not mangle the words it is part of (mcshell's
# decision, docs/remote.md, "Secrets"); the secret is masked wherever it occurs, whatever its length.
SHORTEST_ID = 8
_WORD_CHARACTER = r"[\w$@-]"


class TargetError(ValueError):
    """The connection is not fully given: a usage error (exit 2) naming what is missing."""


@dataclass(frozen=True)
class Target:
    endpoint: str
    project: str
    access_id: str | None = field(default=None, repr=False)  # None: pyodps's STS variables
    secret: str | None = field(default=None, repr=False)

    def scrub(self, text: str) -> str:
        """`text` with the secret, the access id (see SHORTEST_ID) and every APIKEY value masked:
        pyodps's exceptions and the service's messages may quote what the request carried."""
        from mcshell.output.masking import MASK, mask_typed  # the dialect's: loaded when a text is shown

        if self.secret:
            text = text.replace(self.secret, MASK)
        if self.access_id and len(self.access_id) >= SHORTEST_ID:
            text = text.replace(self.access_id, MASK)
        elif self.access_id:
            alone = rf"(?<!{_WORD_CHARACTER}){re.escape(self.access_id)}(?!{_WORD_CHARACTER})"
            text = re.sub(alone, MASK, text)
        return mask_typed(text)


def target_project(
    settings: Mapping[str, str], project: str | None, environ: Mapping[str, str] = os.environ
) -> str | None:
    """The remote project: --project, then --config's project_name, then ODPS_PROJECT_NAME."""
    return project or settings.get(CONFIG_PROJECT) or environ.get(ENV_PROJECT) or None


def find_target(settings: Mapping[str, str], project: str | None, environ: Mapping[str, str] = os.environ) -> Target:
    """The target from `settings` (the --config file's keys) or else `environ`; `project`
    (--project) wins over both. Credentials come whole from one place, never half from each."""
    endpoint = settings.get(CONFIG_ENDPOINT) or environ.get(ENV_ENDPOINT)
    if not endpoint:
        raise TargetError(f"no endpoint: give --config with {CONFIG_ENDPOINT}=, or set {ENV_ENDPOINT}")
    project = target_project(settings, project, environ)
    if not project:
        raise TargetError(f"no project: give --project, {CONFIG_PROJECT}= in --config, or set {ENV_PROJECT}")
    if settings.get(CONFIG_ID) or settings.get(CONFIG_KEY):
        return Target(endpoint, project, *_pair(settings.get(CONFIG_ID), settings.get(CONFIG_KEY), CONFIG_ID,
                                                 CONFIG_KEY, "in --config"))  # fmt: skip
    if environ.get(ENV_ID) or environ.get(ENV_SECRET):
        return Target(endpoint, project, *_pair(environ.get(ENV_ID), environ.get(ENV_SECRET), ENV_ID, ENV_SECRET,
                                                 "in the environment"))  # fmt: skip
    if any(environ.get(name) for name in ENV_STS):
        _check_sts(environ)
        return Target(endpoint, project)
    raise TargetError(
        f"no credentials: give --config with {CONFIG_ID}= and {CONFIG_KEY}=, or set {ENV_ID} and {ENV_SECRET} "
        f"(or pyodps's STS variables, {ENV_STS[2]}, ODPS_STS_ACCESS_KEY_SECRET and {ENV_STS[1]})"
    )


# pyodps's StsAccount reads a token file, or all three variables (odps/accounts.py, StsAccount.reload).
_STS_TRIPLE = ("ODPS_STS_ACCESS_KEY_ID", "ODPS_STS_ACCESS_KEY_SECRET", "ODPS_STS_TOKEN")


def _check_sts(environ: Mapping[str, str]) -> None:
    """pyodps's STS variables, whole: a token file, or the id, the secret and the token together."""
    if environ.get("ODPS_STS_ACCOUNT_FILE"):
        return
    missing = [name for name in _STS_TRIPLE if not environ.get(name)]
    if missing:
        given = [name for name in _STS_TRIPLE if name not in missing]
        raise TargetError(f"{' and '.join(given)} set in the environment but not {' and '.join(missing)}")


def _pair(access_id: str | None, secret: str | None, id_name: str, secret_name: str, where: str) -> tuple[str, str]:
    if not access_id:
        raise TargetError(f"{secret_name} is set {where} but {id_name} is not")
    if not secret:
        raise TargetError(f"{id_name} is set {where} but {secret_name} is not")
    return access_id, secret

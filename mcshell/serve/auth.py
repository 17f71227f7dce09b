"""Who is calling: with --accounts, each request's signature is checked as pyodps computes it
(signature V2, and V4 when the client knows a region), and the access id names the acting user.

The secrets are read from a file only its owner may read; none is ever logged or returned.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import hmac
import os
import re
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, unquote, urlparse

from mcshell.serve.wire import HttpError

MAX_SKEW_SECONDS = 15 * 60  # MaxCompute refuses requests dated further off (RequestTimeTooSkewed)
_AUTHORIZATION = re.compile(r"ODPS (?P<credential>[^:\s]+):(?P<signature>\S+)\Z")
_V4_PREFIX = "aliyun_v4"


class AccountsError(Exception):
    """The --accounts file cannot be used (a usage error: the server does not start)."""


@dataclass(frozen=True)
class Account:
    access_id: str
    user: str
    secret: str = field(repr=False)


def load_accounts(path: str) -> dict[str, Account]:
    """`[access id]` sections, each with `secret = ...` and `user = ...`; mode 0600 or stricter."""
    try:
        mode = os.stat(path).st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise AccountsError(f"'{path}' may be read by others (mode {stat.S_IMODE(mode):o}): chmod 600 it")
        parser = configparser.ConfigParser(interpolation=None)  # a secret may hold '%' or '$'
        with open(path, encoding="utf-8") as file:
            parser.read_file(file)
    except OSError as error:
        raise AccountsError(f"cannot read '{path}': {error.strerror}") from None
    except (configparser.Error, UnicodeDecodeError) as error:
        raise AccountsError(f"'{path}' is not an accounts file: {_first_line(error)}") from None
    accounts = {}
    for access_id in parser.sections():
        section = parser[access_id]
        missing = [key for key in ("secret", "user") if not section.get(key, "").strip()]
        if missing:
            raise AccountsError(f"'{path}': section [{access_id}] needs {' and '.join(missing)}")
        accounts[access_id] = Account(access_id, section["user"].strip(), section["secret"].strip())
    if not accounts:
        raise AccountsError(f"'{path}' names no account: write one [access id] section with secret and user")
    return accounts


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


@dataclass(frozen=True)
class SignedRequest:
    method: str
    target: str  # the request line's path and query, as sent
    headers: Mapping[str, str]  # case-insensitive get()


def caller(accounts: Mapping[str, Account], request: SignedRequest, prefixes: Iterable[str]) -> str:
    """The user a signed request acts as, or the documented error. `prefixes` are the path
    prefixes (`/api`) a client's endpoint may have ended in: pyodps signs the path after it."""
    header = request.headers.get("Authorization")
    if not header:
        raise HttpError(401, "Unauthorized", "the request carries no Authorization header")
    found = _AUTHORIZATION.match(header)
    if found is None:
        raise HttpError(401, "Unauthorized", "the Authorization header is not 'ODPS <access id>:<signature>'")
    parts = found["credential"].split("/")
    if len(parts) not in (1, 5):
        raise HttpError(401, "Unauthorized", "the Authorization credential is neither V2 nor V4")
    account = accounts.get(parts[0])
    if account is None:
        raise HttpError(403, "InvalidAccessKeyId", "the access key id of the request does not exist")
    _check_date(request.headers.get("Date"))
    key = account.secret.encode() if len(parts) == 1 else _v4_key(account.secret, parts[1], parts[2])
    for resource in _resources(request.target, prefixes):
        expected = hmac.new(key, canonical_string(request, resource).encode(), hashlib.sha1).digest()
        if hmac.compare_digest(base64.b64encode(expected).decode(), found["signature"]):
            return account.user
    raise HttpError(403, "SignatureNotMatch", "the request signature does not match: check the access key secret")


def _check_date(value: str | None) -> None:
    try:
        sent = parsedate_to_datetime(value).timestamp() if value else None
    except (TypeError, ValueError):
        sent = None
    if sent is None:
        raise HttpError(403, "RequestTimeTooSkewed", "the request has no valid Date header")
    if abs(time.time() - sent) > MAX_SKEW_SECONDS:
        raise HttpError(403, "RequestTimeTooSkewed", "the request's Date is over 15 minutes off the server's clock")


def _v4_key(secret: str, date: str, region: str) -> bytes:
    key = hmac.new((_V4_PREFIX + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, "odps", _V4_PREFIX + "_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _resources(target: str, prefixes: Iterable[str]) -> list[str]:
    """The target as signed: relative to the client's endpoint, which may or may not end in a prefix."""
    candidates = [target]
    for prefix in prefixes:
        if target.startswith(prefix + "/"):
            candidates.append(target[len(prefix) :])
    return candidates


def canonical_string(request: SignedRequest, target: str) -> str:
    """pyodps's string to sign (odps/accounts.py, BaseAccount._build_canonical_str)."""
    parts = urlparse(unquote(target), allow_fragments=False)
    resource = parts.path
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if parts.query:
        resource += "?" + "&".join(k if v == "" else f"{k}={v}" for k, v in sorted(params.items()))
    signed = {"content-type": "", "content-md5": ""}
    for name in _header_names(request.headers):
        lower = name.lower()
        if lower in ("content-type", "content-md5") or lower.startswith("x-odps-"):
            signed[lower] = request.headers.get(name) or ""
    signed["date"] = request.headers.get("Date") or ""
    signed.update((k, v) for k, v in params.items() if k.startswith("x-odps-"))
    lines = [request.method]
    for name in sorted(signed):
        lines.append(f"{name}:{signed[name]}" if name.startswith("x-odps-") else signed[name])
    lines.append(resource)
    return "\n".join(lines)


def _header_names(headers: Mapping[str, str]) -> Iterable[str]:
    keys = getattr(headers, "keys", None)
    return list(keys()) if keys is not None else list(headers)

"""The one rule for the URLs mcshell calls (a version's ENDPOINT, --public-endpoint): an http:// or
https:// URL with a host, no blank or control character, and a port, when it has one, of 1 to 65535.

Checked where the URL is given (CREATE MODEL, ALTER MODEL ADD VERSION, the command line, the --config
file), so that a bad one is refused there, in words, and never reaches the HTTP client."""

from __future__ import annotations

from urllib.parse import urlsplit

from mcshell.errors import quoted

PORTS = range(1, 65536)


def url_problem(url: str) -> str | None:
    """Why `url` is not a URL mcshell can call (a sentence that quotes it), or None."""
    shown = quoted(url)
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme not in ("http", "https"):
        return f"{shown} is not an http:// or https:// URL"
    if any(char.isspace() or not char.isprintable() for char in url):
        return f"{shown} holds a space or a control character"
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unclosed [ of an IPv6 address
        return f"{shown} is not an http:// or https:// URL: {error}"
    if not parts.hostname:
        return f"{shown} has no host name"
    return _port_problem(shown, parts.netloc)


def _port_problem(shown: str, netloc: str) -> str | None:
    host_and_port = netloc.rpartition("@")[2]
    if host_and_port.endswith("]") or ":" not in host_and_port:
        return None  # no port: the scheme's own
    written = host_and_port.rpartition(":")[2]
    if not written:
        return None  # `host:` is the default port, as in urllib
    if not (written.isascii() and written.isdigit()):
        return f"{shown}: the port '{written}' is not a number"
    if int(written) not in PORTS:
        return f"{shown}: port {int(written)} is out of range (1-65535)"
    return None

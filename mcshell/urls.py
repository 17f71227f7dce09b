"""The one rule for the URLs mcshell calls (a version's ENDPOINT, --public-endpoint): an http:// or
https:// URL with a host, no blank or control character, and a port, when it has one, of 1 to 65535.

Checked where the URL is given (CREATE MODEL, ALTER MODEL ADD VERSION, the command line, the --config
file), so that a bad one is refused there, in words, and never reaches the HTTP client."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

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
    beyond_host = url[len(parts.scheme) + 3 :].replace(parts.netloc.rpartition("@")[2], "", 1)
    if not beyond_host.isascii():  # HTTP sends the path as ASCII: the path, query and user, percent-encoded
        wrong = next(char for char in beyond_host if not char.isascii())
        return f"{shown} holds '{wrong}' outside its host name; write it percent-encoded"
    if not _host_encodes(parts.hostname):
        return f"{shown} has a host name that is not a domain name"
    return _port_problem(shown, parts)


def hostname(url: str) -> str:
    """The host name of a URL `url_problem` accepts, in lower case (an IPv6 address without its [])."""
    return urlsplit(url).hostname or ""


def bracketed(host: str) -> str:
    """A host as a URL (and an HTTP Host header) writes it: an IPv6 address in brackets (RFC 3986),
    where http.client would read its last group as a port and a URL would be ambiguous."""
    return f"[{host}]" if ":" in host else host


def unbracketed(host: str) -> str:
    """A host as written in a URL, `[::1]`, as sockets take it, `::1`; other hosts as they are."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _host_encodes(host: str) -> bool:
    """A host name that is not ASCII goes out in its IDNA form, which not every name has."""
    try:
        host.encode("ascii" if host.isascii() else "idna")
    except UnicodeError:
        return False
    return True


def _port_problem(shown: str, parts: SplitResult) -> str | None:
    """The port as urllib reads it (after the first `:` of the host, or after `]`), in range."""
    try:
        port = parts.port
    except ValueError:
        host = parts.netloc.rpartition("@")[2]
        written = host.rpartition("]")[2].partition(":")[2] if host.startswith("[") else host.partition(":")[2]
        if not (written.isascii() and written.isdigit()):
            return f"{shown}: the port '{written}' is not a number"
        port = int(written)
    if port is not None and port not in PORTS:
        return f"{shown}: port {port} is out of range (1-65535)"
    return None

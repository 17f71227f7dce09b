"""The one place an IPv6 host is put in, or taken out of, its URL brackets (mcshell/urls.py): the
server's address, `--host [::1]`, and the HTTP client's connection all go through it."""

from __future__ import annotations

import pytest

from mcshell.serve.server import authority
from mcshell.urls import bracketed, unbracketed


@pytest.mark.parametrize(
    ("host", "written"),
    [("::1", "[::1]"), ("fe80::1%eth0", "[fe80::1%eth0]"), ("127.0.0.1", "127.0.0.1"), ("localhost", "localhost")],
)
def test_an_ipv6_host_is_written_in_brackets_and_read_back_without(host, written):
    assert bracketed(host) == written
    assert unbracketed(written) == host
    assert authority(host, 8100) == f"{written}:8100"


def test_only_a_whole_bracketed_host_loses_its_brackets():
    assert unbracketed("[::1") == "[::1"
    assert unbracketed("::1") == "::1"

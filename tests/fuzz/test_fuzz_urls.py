"""The URL rule (mcshell/urls.py) against the HTTP client that sends the requests: every URL mcshell
accepts at start (--public-endpoint, a version's ENDPOINT) is one http.client takes, so a call never
fails with InvalidURL (issue 19, item 9); every URL it refuses is refused in words. In-process, cheap."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from mcshell.runtime.http import HttpFailure, _connection
from mcshell.urls import url_problem

PARTS = (
    "http://", "https://", "ftp://", "HTTP://", "", "h", "eas.example", "127.0.0.1", "[::1]", "[::1", "[fe80::1%eth0]",
    " ", "\t", "\x1b", "\x7f", "\u2028", "é", "中", ":", ":0", ":1", ":8080", ":65535", ":65536", ":99999", ":-1",
    ":80a", ":٣", "/", "/v1", "/api/predict/s", "?q=1", "#f", "@", "user:pw@", "%20", "%", "\\", "//", "..", ".",
    "ü", "xn--", "a" * 64, "\ud800",
)  # fmt: skip
urls = st.lists(st.sampled_from(PARTS), max_size=7).map("".join) | st.text(max_size=30)


@settings(max_examples=300, deadline=None)
@given(url=urls)
def test_a_url_mcshell_accepts_is_one_the_http_client_sends(url):
    problem = url_problem(url)
    if problem is None:
        connection, target = _connection(url.rstrip("/") + "/v1/chat/completions", 1.0)
        connection.putrequest("POST", target)  # the request line and the Host header; nothing is sent yet
        port = urlsplit(url).port
        assert port is None or 1 <= port <= 65535
    else:
        assert problem.startswith("'") and "\x1b" not in problem
        try:
            _connection(url, 1.0)
        except HttpFailure as failure:
            assert failure.reason == problem
        else:
            raise AssertionError(f"{url!r} refused at start but taken by the client")

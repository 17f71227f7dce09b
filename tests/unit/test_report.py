"""report.odps_line: the one FAILED line without `FAILED: `, as the service's error text."""

from __future__ import annotations

from mcshell.errors import AccessDeniedError, ParseError
from mcshell.output import report


def test_the_odps_line_is_the_failed_line_without_its_prefix():
    denied = AccessDeniedError("You don't exist in project p.")
    assert report.odps_line(denied) == "ODPS-0420095: Access Denied - You don't exist in project p."
    assert report.failed(denied) == "FAILED: " + report.odps_line(denied)
    parse = ParseError("line 1:5 cannot recognize input near 'x'")
    assert report.odps_line(parse, (1, 5)) == (
        "ODPS-0130161:[1,5] Parse exception - line 1:5 cannot recognize input near 'x'"
    )
    assert report.failed(parse, (1, 5)) == "FAILED: " + report.odps_line(parse, (1, 5))

"""Misbehaviour the sandbox can be told to show: the failures real panels and their proxies give."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Fault(Enum):
    """One way of answering badly; see `SandboxPanel.inject`."""

    HTML_502 = "html_502"
    HTML_503 = "html_503"
    CLOUDFLARE_403 = "cloudflare_403"
    EMPTY_BODY = "empty_body"
    NOT_JSON = "not_json"
    SERVER_ERROR = "server_error"
    HTTP_4XX_ERROR = "http_4xx_error"
    TIMEOUT = "timeout"
    RESET = "reset"
    # A panel whose idle timeout fires just as the next request arrives on a kept-alive
    # connection: the connection closes unanswered and the request is never read. A request
    # on a new connection is served normally (the fault is used up all the same).
    DROP_REUSED_CONNECTION = "drop_reused_connection"
    UNTRANSLATED_ERRORS = "untranslated_errors"
    PROCESS_THEN_HTML_502 = "process_then_html_502"


@dataclass(frozen=True)
class CannedReply:
    """A fixed answer given instead of the real one."""

    status: int
    content_type: str
    body: str


_BAD_GATEWAY_PAGE = """<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>
"""

_CHALLENGE_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="360"></head>
<body><div class="main-wrapper"><h1>smm.plus</h1>
<h2>Checking if the site connection is secure</h2>
<noscript>Enable JavaScript and cookies to continue</noscript></div></body></html>
"""

_BLOCKED_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>
<body><h1>Sorry, you have been blocked</h1>
<p>You are unable to access smm.plus</p><p>Cloudflare Ray ID: 7d1c0a2b3e4f5a6b</p></body></html>
"""

_HTML = "text/html"

CANNED_REPLIES: dict[Fault, CannedReply] = {
    Fault.HTML_502: CannedReply(502, _HTML, _BAD_GATEWAY_PAGE),
    Fault.HTML_503: CannedReply(503, _HTML, _CHALLENGE_PAGE),
    Fault.CLOUDFLARE_403: CannedReply(403, _HTML, _BLOCKED_PAGE),
    Fault.EMPTY_BODY: CannedReply(200, _HTML, ""),
    Fault.NOT_JSON: CannedReply(200, "text/plain", "Service temporarily unavailable, try later"),
    Fault.SERVER_ERROR: CannedReply(500, "text/plain", "Internal Server Error"),
    # Scripts that are not Perfect Panel refuse with a 4xx code and a JSON error.
    Fault.HTTP_4XX_ERROR: CannedReply(400, "application/json", '{"error": "Incorrect request"}'),
}


@dataclass
class _Injection:
    fault: Fault
    remaining: int | None  # None: until cleared
    action: str | None  # None: any action


class FaultQueue:
    """Faults waiting for the requests they apply to, first injected first served."""

    def __init__(self) -> None:
        self._pending: list[_Injection] = []

    def inject(self, fault: Fault, times: int | None = 1, action: str | None = None) -> None:
        """Apply `fault` to the next `times` requests of `action` (None: forever, any action)."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for until cleared")
        self._pending.append(_Injection(fault, times, action))

    def clear(self) -> None:
        """Forget every queued fault."""
        self._pending.clear()

    def take(self, action: str) -> Fault | None:
        """The fault for a request of `action`, used up by it; None if none applies."""
        for injection in self._pending:
            if injection.action in (None, action):
                if injection.remaining is not None:
                    injection.remaining -= 1
                    if injection.remaining == 0:
                        self._pending.remove(injection)
                return injection.fault
        return None

"""The sandbox panel served over HTTP, with the controls tests and demos use."""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from dataclasses import dataclass
from types import TracebackType

from aiohttp import web

from bot.sandbox.actions import ACTIONS
from bot.sandbox.catalog import build_catalog
from bot.sandbox.errors import PanelError, Problem
from bot.sandbox.faults import CANNED_REPLIES, CannedReply, Fault, FaultQueue
from bot.sandbox.state import PanelState
from bot.sandbox.wire import VARIANTS, Json, Wire, wire_for

API_PATH = "/api/v2"


@dataclass(frozen=True)
class RecordedRequest:
    """A request the panel received, without its key."""

    action: str
    params: dict[str, str]


class SandboxPanel(PanelState):
    """An API v2 panel on 127.0.0.1 whose state, timing and failures tests control."""

    def __init__(
        self,
        extra_services: int = 0,
        seed: int = 1,
        auto_advance: float | None = None,
        variant: str = "docs",
    ) -> None:
        super().__init__(build_catalog(extra_services, seed))
        self.variant = variant
        self.auto_advance = auto_advance
        self.latency = 0.0
        self.action_latency: dict[str, float] = {}
        self.key_latency: dict[str, float] = {}
        # action -> the words every request of it is refused with, whatever they are: a real
        # panel's operator may put a maintenance notice or a stack trace there.
        self.refusals: dict[str, str] = {}
        self.timeout_delay = 5.0
        self.requests: list[RecordedRequest] = []
        self._faults = FaultQueue()
        self._used_connections: weakref.WeakSet[asyncio.BaseTransport] = weakref.WeakSet()
        self._arrivals = asyncio.Condition()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._ticker: asyncio.Task[None] | None = None

    @property
    def variant(self) -> str:
        """The wire flavour: "docs", "numbers", "strings" or "bare_php"."""
        return self._variant

    @variant.setter
    def variant(self, value: str) -> None:
        if value not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}")
        self._variant = value

    @property
    def url(self) -> str:
        """The API URL, e.g. "http://127.0.0.1:PORT/api/v2"."""
        if self._url is None:
            raise RuntimeError("the sandbox panel is not running")
        return self._url

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on `host:port` (port 0: an ephemeral one)."""
        if self._runner is not None:
            raise RuntimeError("the sandbox panel is already running")
        app = web.Application()
        app.router.add_route("*", API_PATH, self._serve)
        # No access log: a GET request would write the key in its query string there.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self._stopping.clear()
        self._url = f"http://{host}:{runner.addresses[0][1]}{API_PATH}"
        if self.auto_advance:
            self._ticker = asyncio.create_task(self._tick(self.auto_advance))

    async def stop(self) -> None:
        """Stop listening; answers still waiting on latency are released at once."""
        self._stopping.set()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._url = None

    async def __aenter__(self) -> SandboxPanel:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def inject(self, fault: Fault, times: int | None = 1, action: str | None = None) -> None:
        """Misbehave on the next `times` requests of `action` (None: any; times None: always)."""
        self._faults.inject(fault, times, action)

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        self._faults.clear()

    def count(self, action: str) -> int:
        """How many requests of `action` arrived so far."""
        return sum(1 for request in self.requests if request.action == action)

    async def wait_for_request(self, action: str, count: int = 1) -> None:
        """Return once `count` requests of `action` have arrived in total."""
        async with self._arrivals:
            await self._arrivals.wait_for(lambda: self.count(action) >= count)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        """Answer one API request, after its latency, unless the next matching fault intervenes."""
        try:
            params = await _read_params(request)
        except ConnectionResetError:
            # The client went away mid-request (a cancelled call): like a real panel, a request
            # that never fully arrived is not processed, and this is not a server error.
            return web.Response(status=499)
        key = params.pop("key", "")
        action = params.pop("action", "")
        kept_alive = self._seen_connection_before(request)
        fault = self._faults.take(action)
        if fault is Fault.DROP_REUSED_CONNECTION and kept_alive:
            _abort(request)
            return web.Response()
        async with self._arrivals:
            self.requests.append(RecordedRequest(action, dict(params)))
            self._arrivals.notify_all()
        await self._pause(
            self.latency + self.action_latency.get(action, 0.0) + self.key_latency.get(key, 0.0)
        )
        if fault is Fault.RESET:
            _abort(request)
            return web.Response()
        if fault in CANNED_REPLIES:
            return _canned(CANNED_REPLIES[fault])
        wire = wire_for(self.variant, untranslated=fault is Fault.UNTRANSLATED_ERRORS)
        answer = self._answer(key, action, params, wire)
        if fault is Fault.TIMEOUT:
            await self._pause(self.timeout_delay)
        if fault is Fault.PROCESS_THEN_HTML_502:
            return _canned(CANNED_REPLIES[Fault.HTML_502])
        return web.json_response(answer, content_type=wire.content_type)

    def _seen_connection_before(self, request: web.Request) -> bool:
        """Whether an earlier request came on this request's connection (kept alive)."""
        transport = request.transport
        if transport is None:
            return False
        used = transport in self._used_connections
        self._used_connections.add(transport)
        return used

    def _answer(self, key: str, action: str, params: dict[str, str], wire: Wire) -> Json:
        try:
            account = self.authenticate(key)
            if action in self.refusals:
                return {"error": self.refusals[action]}
            handler = ACTIONS.get(action)
            if handler is None:
                raise PanelError(Problem.INCORRECT_REQUEST)
            return handler(self, account, params, wire)
        except PanelError as error:
            return wire.error(error)

    async def _pause(self, seconds: float) -> None:
        """Wait `seconds`, or less if the panel stops meanwhile."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _tick(self, period: float) -> None:
        """Move every order and refill one step each `period` seconds, for people trying."""
        while True:
            await asyncio.sleep(period)
            self.advance_all()
            self.advance_refills()


async def _read_params(request: web.Request) -> dict[str, str]:
    """Collect parameters from the query string and a form or JSON body, as PHP's $_REQUEST."""
    params = {name: value for name, value in request.query.items()}
    if request.content_type == "application/json":
        with contextlib.suppress(ValueError):
            body = json.loads(await request.text() or "null")
            if isinstance(body, dict):
                params.update({str(name): _as_text(value) for name, value in body.items()})
    elif request.can_read_body:
        form = await request.post()
        params.update({name: value for name, value in form.items() if isinstance(value, str)})
    return params


def _abort(request: web.Request) -> None:
    """Close the connection at once, without an answer."""
    if request.transport is not None:
        request.transport.abort()


def _as_text(value: object) -> str:
    """Turn a JSON value into the text a form would have carried."""
    if isinstance(value, list):
        return ",".join(_as_text(item) for item in value)
    if isinstance(value, bool):
        return str(int(value))
    return "" if value is None else str(value)


def _canned(reply: CannedReply) -> web.Response:
    return web.Response(status=reply.status, text=reply.body, content_type=reply.content_type)

"""The API v2 client: form POSTs over one aiohttp session, retries for reads only."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import NamedTuple, Self, TypeVar
from urllib.parse import quote

from aiohttp import (
    ClientConnectorError,
    ClientError,
    ClientSession,
    ClientTimeout,
    ConnectionTimeoutError,
    ServerDisconnectedError,
    TCPConnector,
)
from pydantic import SecretStr
from yarl import URL

from bot import __version__
from bot.logging_setup import log_event
from bot.panel.errors import (
    REDACTED,
    OrderOutcomeUnknown,
    PanelError,
    PanelRejected,
    PanelUnavailable,
    rejection,
)
from bot.panel.health import PanelHealth
from bot.panel.models import (
    Balance,
    CancelResult,
    ItemError,
    OrderStatus,
    RefillStatus,
    Service,
)
from bot.panel.parsing import (
    MalformedReply,
    error_message,
    parse_balance,
    parse_cancel_batch,
    parse_order_id,
    parse_order_status,
    parse_refill_batch,
    parse_refill_id,
    parse_refill_status,
    parse_refill_status_batch,
    parse_services,
    parse_status_batch,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_IDS_PER_REQUEST = 100  # the documented limit of `orders=` and `refills=`
MAX_CONNECT_TIMEOUT = 10.0
# A request sent on a kept-alive connection the panel closes at that moment fails after
# sending. Panels behind Apache close idle connections after 5 s; dropping ours sooner (aiohttp's
# default is 15 s) makes that rare for reads, which are retried anyway. `add` never takes the
# risk: there it would be an unknown outcome, so it always goes on a connection of its own.
IDLE_CONNECTION_SECONDS = 4.0
RESERVED_FIELDS = frozenset({"key", "action", "service"})


class _Reply(NamedTuple):
    status: int
    body: bytes
    content_type: str
    location: str | None


def _without_key(reply: _Reply, key: SecretStr) -> _Reply:
    """The reply with every copy of the key masked, before anything reads it.

    Some panels quote what they were sent ("Incorrect key: sk-…"), in a whole-request error or
    in one order's slot of a batch; masked here, the key can reach no message, log or record.
    """
    secret = key.get_secret_value()
    if not secret:
        return reply
    body = reply.body
    for written in dict.fromkeys((secret, json.dumps(secret)[1:-1], secret.replace("/", "\\/"))):
        body = body.replace(written.encode(), REDACTED.encode())
    location = reply.location
    if location is not None:
        for written in dict.fromkeys((secret, quote(secret, safe=""))):
            location = location.replace(written, REDACTED)
    return reply._replace(body=body, location=location)


class PanelClient:
    """Talks API v2 to one panel URL for any number of accounts (each call takes the key).

    Reads are retried on `PanelUnavailable` with exponential backoff; `add`, `refill` and
    `cancel` are sent exactly once. `add` raises `OrderOutcomeUnknown` whenever the request
    may have reached the panel without a readable answer.
    """

    def __init__(
        self,
        api_url: str,
        *,
        timeout: float = 30.0,
        read_retries: int = 2,
        backoff: float = 0.5,
        connection_limit: int = 20,
    ) -> None:
        url = URL(api_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"the panel URL must be http(s), got {api_url!r}")
        self._url = api_url
        self._timeout = ClientTimeout(
            total=timeout, connect=min(MAX_CONNECT_TIMEOUT, timeout / 2)
        )
        self._read_retries = read_retries
        self._backoff = backoff
        self._connection_limit = connection_limit
        self._session: ClientSession | None = None
        self._order_session: ClientSession | None = None  # one new connection per `add`
        self.health = PanelHealth()

    @property
    def url(self) -> str:
        """The API URL requests go to."""
        return self._url

    def __repr__(self) -> str:
        return f"PanelClient({self._url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP sessions; a later call opens new ones."""
        sessions = (self._session, self._order_session)
        self._session = self._order_session = None
        for session in sessions:
            if session is not None:
                await session.close()

    async def services(self, key: SecretStr) -> list[Service]:
        """Fetch the catalog; unreadable entries are skipped with a warning."""
        return await self._call(key, "services", {}, parse_services, retries=self._read_retries)

    async def add(
        self, key: SecretStr, service_id: int, params: Mapping[str, str | int]
    ) -> int:
        """Place an order and return the panel's order id. Never retried."""
        if reserved := RESERVED_FIELDS & params.keys():
            raise ValueError(f"params may not set {sorted(reserved)}")
        form = {"service": str(service_id), **{name: str(value) for name, value in params.items()}}
        return await self._call(key, "add", form, parse_order_id, retries=0, placing_order=True)

    async def status(self, key: SecretStr, order_id: int) -> OrderStatus:
        """Fetch one order's status."""
        return await self._call(
            key, "status", {"order": str(order_id)}, parse_order_status,
            retries=self._read_retries, ids=1,
        )

    async def statuses(
        self, key: SecretStr, order_ids: Iterable[int]
    ) -> dict[int, OrderStatus | ItemError]:
        """Fetch many orders' statuses, 100 per request; every requested id is in the result."""
        return await self._batched(
            key, "status", "orders", order_ids, parse_status_batch, retries=self._read_retries
        )

    async def refill(self, key: SecretStr, order_id: int) -> int:
        """Request a refill of one order and return the refill id. Not retried."""
        return await self._call(
            key, "refill", {"order": str(order_id)}, parse_refill_id, retries=0, ids=1
        )

    async def refills(
        self, key: SecretStr, order_ids: Iterable[int]
    ) -> dict[int, int | ItemError]:
        """Request refills of many orders; maps each order id to its refill id. Not retried."""
        return await self._batched(
            key, "refill", "orders", order_ids, parse_refill_batch, retries=0
        )

    async def refill_status(self, key: SecretStr, refill_id: int) -> RefillStatus:
        """Fetch one refill's status."""
        return await self._call(
            key, "refill_status", {"refill": str(refill_id)}, parse_refill_status,
            retries=self._read_retries, ids=1,
        )

    async def refill_statuses(
        self, key: SecretStr, refill_ids: Iterable[int]
    ) -> dict[int, RefillStatus | ItemError]:
        """Fetch many refills' statuses, 100 per request."""
        return await self._batched(
            key, "refill_status", "refills", refill_ids, parse_refill_status_batch,
            retries=self._read_retries,
        )

    async def cancel(
        self, key: SecretStr, order_ids: Iterable[int]
    ) -> dict[int, CancelResult | ItemError]:
        """Request cancellation of orders (always `orders=`). Not retried."""
        return await self._batched(
            key, "cancel", "orders", order_ids, parse_cancel_batch, retries=0
        )

    async def balance(self, key: SecretStr) -> Balance:
        """Fetch the account's balance."""
        return await self._call(key, "balance", {}, parse_balance, retries=self._read_retries)

    async def _batched(
        self,
        key: SecretStr,
        action: str,
        field: str,
        ids: Iterable[int],
        parse: Callable[[object, Sequence[int]], dict[int, T]],
        *,
        retries: int,
    ) -> dict[int, T]:
        """Send the ids in chunks of 100, one after another, and merge the answers."""
        unique = list(dict.fromkeys(int(item_id) for item_id in ids))
        merged: dict[int, T] = {}
        for start in range(0, len(unique), MAX_IDS_PER_REQUEST):
            chunk = unique[start : start + MAX_IDS_PER_REQUEST]
            merged |= await self._send_chunk(key, action, field, chunk, parse, retries=retries)
        return merged

    async def _send_chunk(
        self,
        key: SecretStr,
        action: str,
        field: str,
        chunk: Sequence[int],
        parse: Callable[[object, Sequence[int]], dict[int, T]],
        *,
        retries: int,
    ) -> dict[int, T]:
        def parse_chunk(data: object) -> dict[int, T]:
            return parse(data, chunk)

        params = {field: ",".join(map(str, chunk))}
        return await self._call(key, action, params, parse_chunk, retries=retries, ids=len(chunk))

    async def _call(
        self,
        key: SecretStr,
        action: str,
        params: Mapping[str, str],
        parse: Callable[[object], T],
        *,
        retries: int,
        ids: int = 0,
        placing_order: bool = False,
    ) -> T:
        """Make one request (retrying `PanelUnavailable` `retries` times) and log it once."""
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                result = await self._attempt(key, action, params, parse, placing_order)
            except PanelError as error:
                if isinstance(error, PanelRejected):
                    self.health.record_success()
                else:
                    self.health.record_error(error.message)
                if isinstance(error, PanelUnavailable) and attempt <= retries:
                    await asyncio.sleep(self._retry_delay(attempt))
                    continue
                self._log(action, ids, started, attempt, f"{type(error).__name__}: {error}")
                raise
            self.health.record_success()
            self._log(action, ids, started, attempt, "ok")
            return result

    async def _attempt(
        self,
        key: SecretStr,
        action: str,
        params: Mapping[str, str],
        parse: Callable[[object], T],
        placing_order: bool,
    ) -> T:
        try:
            reply = _without_key(await self._exchange(key, action, params, placing_order), key)
            data = self._decode(reply, placing_order)
            return parse(data)
        except MalformedReply as error:
            message = f"unexpected reply to {action}: {error}"
            raise self._lost_answer(message, placing_order) from None

    async def _exchange(
        self, key: SecretStr, action: str, params: Mapping[str, str], placing_order: bool
    ) -> _Reply:
        """POST the form and read the whole body; turn transport failures into PanelErrors."""
        form = {"key": key.get_secret_value(), "action": action, **params}
        try:
            async with self._get_session(placing_order).post(
                self._url, data=form, allow_redirects=False
            ) as response:
                body = await response.read()
                return _Reply(
                    response.status,
                    body,
                    response.headers.get("Content-Type", ""),
                    response.headers.get("Location"),
                )
        # Failing to connect means nothing was sent; every later failure may have been read.
        except ConnectionTimeoutError as error:
            raise PanelUnavailable(
                f"cannot connect to the panel (no connection within {self._timeout.connect:g} s)"
            ) from error
        except ClientConnectorError as error:
            raise PanelUnavailable(f"cannot connect to the panel ({_reason(error)})") from error
        except TimeoutError as error:
            message = f"no answer from the panel within {self._timeout.total:g} s"
            raise self._lost_answer(message, placing_order) from error
        except ServerDisconnectedError as error:
            message = "the panel closed the connection without answering"
            raise self._lost_answer(message, placing_order) from error
        except (ClientError, OSError) as error:
            message = f"connection to the panel failed ({_reason(error)})"
            raise self._lost_answer(message, placing_order) from error

    def _decode(self, reply: _Reply, placing_order: bool) -> object:
        """Return the JSON of a real answer; raise for pages, errors and refusals."""

        def failure(what: str) -> PanelError:
            return self._lost_answer(f"{what} (HTTP {reply.status})", placing_order)

        text = reply.body.strip()
        if 300 <= reply.status < 400:
            raise failure(f"panel redirected to {reply.location or 'another URL'}")
        if not text:
            raise failure("panel returned an empty reply")
        # The body decides, not the header: PHP scripts that just echo json_encode() send
        # JSON as text/html, while proxies' error pages are HTML whatever they claim.
        try:
            data = json.loads(text, parse_float=Decimal, parse_constant=Decimal)
        except ValueError:
            if "html" in reply.content_type.lower() or text.startswith(b"<"):
                raise failure("panel returned an HTML page") from None
            if reply.status >= 500:
                raise failure("panel reported a server error") from None
            raise failure("panel returned a non-JSON reply") from None
        if reply.status >= 500:
            raise failure("panel reported a server error")
        if (message := error_message(data)) is not None:
            if placing_order and isinstance(data, dict) and data.get("order") not in (None, "", 0, "0"):
                # An order id beside an error: the order may well exist. Never a clean refusal,
                # which would invite the user to place it again.
                raise OrderOutcomeUnknown(f"panel named order {data['order']} and an error: {message}")
            raise rejection(message, reply.status)
        if reply.status >= 400:
            raise failure("panel answered with an HTTP error")
        return data

    @staticmethod
    def _lost_answer(message: str, placing_order: bool) -> PanelError:
        """Classify a request that went out without a usable answer: an order may exist."""
        return OrderOutcomeUnknown(message) if placing_order else PanelUnavailable(message)

    def _get_session(self, placing_order: bool) -> ClientSession:
        if placing_order:
            if self._order_session is None or self._order_session.closed:
                self._order_session = self._new_session(
                    TCPConnector(limit=self._connection_limit, force_close=True)
                )
            return self._order_session
        if self._session is None or self._session.closed:
            self._session = self._new_session(
                TCPConnector(limit=self._connection_limit, keepalive_timeout=IDLE_CONNECTION_SECONDS)
            )
        return self._session

    def _new_session(self, connector: TCPConnector) -> ClientSession:
        return ClientSession(
            timeout=self._timeout,
            connector=connector,
            headers={"User-Agent": f"smm-bot/{__version__}", "Accept": "application/json"},
        )

    def _retry_delay(self, attempt: int) -> float:
        """Exponential backoff with a little jitter, so pollers do not retry in lockstep."""
        return self._backoff * 2.0 ** (attempt - 1) * random.uniform(1.0, 1.25)

    def _log(self, action: str, ids: int, started: float, attempts: int, outcome: str) -> None:
        log_event(
            logger,
            "panel.call",
            action=action,
            ids=ids or None,
            ms=(time.monotonic() - started) * 1000,
            attempts=attempts,
            outcome=outcome,
        )


def _reason(error: BaseException) -> str:
    """Name a transport error briefly: its OS reason ("Connection refused"), else its class."""
    cause = getattr(error, "os_error", error)
    if isinstance(cause, OSError) and cause.errno:
        return os.strerror(cause.errno)
    return type(error).__name__

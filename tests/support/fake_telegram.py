"""A loopback Telegram Bot API server that answers and refuses like the real one.

    fake = FakeTelegram(); await fake.start()       # or: async with FakeTelegram() as fake
    bot = telegram.Bot(token, base_url=fake.base_url)
    alice = fake.user(1001, first_name="Alice")     # private chat id == user id
    await alice.send("/start")                      # queued for getUpdates
    greeting = await alice.expect_message(contains="Welcome")
    await alice.press(greeting, "✅ Confirm")
    fake.rate_limit(retry_after=3); fake.block_user(1001)

Only the methods the bot uses are implemented; any other answers 404 and is recorded, so
a test notices. Validation follows the Bot API's wording so that a bug surfaces here as
it would in production: bad HTML, overlong texts, oversized callback data, no-op edits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from tests.support.fake_chats import ChatState, ChatView, JsonDict, SimulatedUser, StoredMessage
from tests.support.telegram_html import (
    ParsedText,
    TelegramHtmlError,
    parse_telegram_html_entities,
    utf16_length,
)

T = TypeVar("T")
Handler = Callable[[JsonDict], Awaitable[Any]]

MAX_MESSAGE_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_UPDATES_PER_POLL = 100
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
# PTB sends strings as they are and JSON-encodes every other value, objects included, so a
# form field is JSON unless the Bot API declares it a string.
STRING_PARAMETERS = frozenset(
    {
        "text",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "action",
        "language_code",
        "secret_token",
        "ip_address",
        "caption",
        "business_connection_id",
        "emoji",
        "name",
        "description",
        "short_description",
    }
)
INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update kinds Telegram sends only to bots that list them in allowed_updates.
OPT_IN_UPDATE_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
TRIMMED_CHARACTERS = " \t\r\n"
BOT_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
API_PATH = re.compile(r"/bot(?P<bot_id>\d+):[\w-]+/(?P<method>\w+)")
BUTTON_URL_SCHEMES = ("http://", "https://", "tg://")


class BotApiError(Exception):
    """An error answer; `client_error` marks a malformed request (a bug in the caller)."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        client_error: bool = False,
        parameters: JsonDict | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.client_error = client_error
        self.parameters = parameters

    def payload(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str, *, client_error: bool = False) -> BotApiError:
    return BotApiError(400, f"Bad Request: {detail}", client_error=client_error)


@dataclass(frozen=True)
class Call:
    """One request the fake answered; `at` is its arrival time (time.monotonic())."""

    method: str
    params: JsonDict
    at: float
    error_code: int | None = None
    description: str | None = None
    client_error: bool = False

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass(frozen=True)
class CallbackAnswer:
    """What answerCallbackQuery said."""

    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass
class _Fault:
    method: str
    chat_id: int | None
    remaining: int
    error_code: int
    description: str
    parameters: JsonDict | None

    def applies_to(self, method: str, params: JsonDict) -> bool:
        return (
            self.remaining > 0
            and self.method.lower() == method.lower()
            and (self.chat_id is None or params.get("chat_id") == self.chat_id)
        )


@dataclass
class _CallbackQuery:
    chat_id: int
    message_id: int
    answered: bool = False


class FakeTelegram:
    """The fake Bot API server plus the simulated users and chats around the bot."""

    def __init__(self, *, bot_username: str = "smm_test_bot", bot_first_name: str = "SMM Test Bot") -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.calls: list[Call] = []
        # Methods of requests the client gave up on before their body arrived (a cancelled
        # long poll at shutdown, typically): answered by nobody, recorded for inspection.
        self.abandoned: list[str] = []
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.webhook: JsonDict | None = None
        self._bot_id = 0
        self._chats: dict[int, ChatState] = {}
        self._users: dict[int, SimulatedUser] = {}
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates requests being held right now
        self._queries: dict[str, _CallbackQuery] = {}
        self._query_ids = itertools.count(4_200_000_001)
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._blocked: set[int] = set()
        self._faults: list[_Fault] = []
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._acknowledge,
            "close": self._acknowledge,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
        }
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on an ephemeral loopback port."""
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release pending long polls and close the server."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The bot's TELEGRAM_BASE_URL: PTB appends `{token}/{method}`."""
        if not self._port:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}/bot"

    # -- simulated people and chats ------------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """The user with this id and their private chat; the same object on every call."""
        if user_id in self._users:
            return self._users[user_id]
        if user_id <= 0:
            raise ValueError("user ids are positive")
        profile: JsonDict = {"first_name": first_name or f"User{user_id}"}
        if last_name:
            profile["last_name"] = last_name
        if username:
            profile["username"] = username
        user = {"id": user_id, "is_bot": False, **profile}
        if language_code:
            user["language_code"] = language_code
        chat = self._chats.setdefault(user_id, ChatState({"id": user_id, "type": "private", **profile}))
        self._users[user_id] = SimulatedUser(self, chat, user)
        return self._users[user_id]

    def group(self, chat_id: int, *, title: str = "Test group", chat_type: str = "supergroup") -> ChatView:
        """A group chat users can write in with `user.send(..., chat=group)`."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = self._chats.setdefault(chat_id, ChatState({"id": chat_id, "type": chat_type, "title": title}))
        return ChatView(self, chat)

    def chat(self, chat_id: int) -> ChatView:
        """A view of a chat created earlier by `user()` or `group()`."""
        if chat_id not in self._chats:
            raise AssertionError(f"the fake knows no chat {chat_id}")
        if chat_id in self._users:
            return self._users[chat_id]
        return ChatView(self, self._chats[chat_id])

    async def user_sends(
        self, user: SimulatedUser, view: ChatView, fields: JsonDict, *, reply_to: Any = None
    ) -> JsonDict:
        """Store a message from `user` in the chat of `view` and queue its update."""
        chat = self._chats[view.chat_id]
        extra = {name: value for name, value in fields.items() if name not in ("text", "entities")}
        if reply_to is not None:
            extra["reply_to_message"] = chat.messages[reply_to.message_id].to_api(chat.api)
        message = StoredMessage(
            message_id=chat.next_message_id(),
            sender=dict(user.user),
            date=_now(),
            text=fields.get("text"),
            entities=tuple(fields.get("entities", ())),
            extra=extra,
        )
        chat.add_message(message)
        chat.note(f"{user.name}: {fields.get('text', '<' + ', '.join(extra) + '>')}")
        api_message = message.to_api(chat.api)
        await self.queue_update("message", api_message)
        return api_message

    async def user_presses(
        self, user: SimulatedUser, view: ChatView, message_id: int, data: str, label: str | None
    ) -> str:
        """Queue a callback query from `user` on a bot message; return the query id."""
        chat = self._chats[view.chat_id]
        query_id = str(next(self._query_ids))
        self._queries[query_id] = _CallbackQuery(chat.id, message_id)
        pressed = f"pressed [{label}]" if label is not None else "sent callback"
        chat.note(f"{user.name} {pressed} {data!r} on #{message_id}")
        query = {
            "id": query_id,
            "from": dict(user.user),
            "chat_instance": f"{chat.id * 7919}",
            "message": chat.messages[message_id].to_api(chat.api),
            "data": data,
        }
        await self.queue_update("callback_query", query)
        return query_id

    async def queue_update(self, kind: str, payload: JsonDict) -> JsonDict:
        """Queue any update (`kind` is its field name, e.g. "my_chat_member") for getUpdates."""
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        await self._notify()
        return update

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a later getUpdates offset."""
        return len(self._updates)

    # -- inspection ----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    @property
    def client_errors(self) -> list[Call]:
        """Calls refused as malformed (bad HTML, too long, unknown method, …): bugs in the bot."""
        return [call for call in self.calls if call.client_error]

    @property
    def unknown_calls(self) -> list[Call]:
        return [call for call in self.calls if call.error_code == 404]

    def bot_commands(
        self, language_code: str | None = None, scope: JsonDict | None = None
    ) -> list[tuple[str, str]]:
        """The (command, description) pairs setMyCommands stored for this language and scope."""
        stored = self._commands.get((_scope_key(scope), language_code or ""), [])
        return [(command["command"], command["description"]) for command in stored]

    async def wait_until(self, predicate: Callable[[], T | None], *, timeout: float) -> T:
        """Wait until `predicate()` returns something other than None; raise TimeoutError."""
        async with self._changed:
            async with asyncio.timeout(timeout):
                while (value := predicate()) is None:
                    await self._changed.wait()
                return value

    async def wait_for_call(self, method: str, *, timeout: float = 5.0, since: int = 0, **match: Any) -> Call:
        """Wait for a recorded call to `method` (from index `since` of `calls`) with these params."""

        def find() -> Call | None:
            for call in self.calls[since:]:
                if call.method.lower() == method.lower() and all(
                    call.params.get(name) == value for name, value in match.items()
                ):
                    return call
            return None

        try:
            return await self.wait_until(find, timeout=timeout)
        except TimeoutError:
            seen = [call.method for call in self.calls[since:] if call.method != "getUpdates"]
            raise AssertionError(
                f"no {method} call matching {match} within {timeout}s; calls: {seen}"
            ) from None

    # -- fault injection -------------------------------------------------------------------------

    def block_user(self, user_id: int) -> None:
        """Answer every request about this user's chat with 403 until unblock_user."""
        self._blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def rate_limit(
        self, times: int = 1, retry_after: int = 1, method: str = "sendMessage", chat_id: int | None = None
    ) -> None:
        """Answer the next `times` matching calls with 429 and `retry_after`."""
        self.inject_error(
            method,
            error_code=429,
            description=f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
            times=times,
            chat_id=chat_id,
        )

    def inject_error(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        parameters: JsonDict | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` calls to `method` (for `chat_id`, if given) with this error."""
        self._faults.append(_Fault(method, chat_id, times, error_code, description, parameters))

    # -- HTTP ----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        path = API_PATH.fullmatch(request.path)
        method = path["method"] if path else request.path
        params: JsonDict = {}
        try:
            try:
                params = await _read_params(request)
            except ConnectionResetError:
                self.abandoned.append(method)
                return web.Response(status=499)  # nobody is listening; aiohttp drops it quietly
            entry = self._methods.get(method.lower()) if path else None
            if entry is None:
                raise BotApiError(404, "Not Found", client_error=True)
            method, handler = entry
            self._bot_id = int(path["bot_id"]) if path else 0
            self._raise_injected_fault(method, params)
            result = await handler(params)
        except BotApiError as error:
            await self._record(
                Call(method, params, arrived, error.error_code, error.description, error.client_error)
            )
            return web.json_response(error.payload(), status=error.error_code)
        await self._record(Call(method, params, arrived))
        return web.json_response({"ok": True, "result": result})

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _raise_injected_fault(self, method: str, params: JsonDict) -> None:
        for fault in self._faults:
            if fault.applies_to(method, params):
                fault.remaining -= 1
                raise BotApiError(fault.error_code, fault.description, parameters=fault.parameters)

    # -- state helpers ---------------------------------------------------------------------------

    def _bot_user(self) -> JsonDict:
        return {
            "id": self._bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat(self, params: JsonDict) -> ChatState:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty", client_error=True)
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found", client_error=True)
        if chat.id in self._blocked:
            raise BotApiError(403, BLOCKED)
        return chat

    @staticmethod
    def _message(chat: ChatState, params: JsonDict, missing: str) -> StoredMessage:
        if params.get("inline_message_id"):
            raise bad_request("the fake does not support inline messages", client_error=True)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified", client_error=True)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request(missing)
        return message

    def _deliverable_updates(self) -> list[JsonDict]:
        # Telegram never creates updates of kinds the bot did not allow, so drop them for good.
        self._updates = [update for update in self._updates if self._is_allowed(update)]
        return self._updates

    def _is_allowed(self, update: JsonDict) -> bool:
        kind = next(name for name in update if name != "update_id")
        if self._allowed_updates is None:
            return kind not in OPT_IN_UPDATE_KINDS
        return kind in self._allowed_updates

    def _confirm_updates(self, offset: object) -> None:
        if not isinstance(offset, int) or offset == 0:
            return
        if offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    # -- Bot API methods -----------------------------------------------------------------------------

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return self._bot_user() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _acknowledge(self, params: JsonDict) -> bool:
        return True

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook is not None:
            raise BotApiError(409, WEBHOOK_CONFLICT)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or None  # [] means "the default kinds"
        self._confirm_updates(params.get("offset"))
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool | None:
            superseded = generation != self._poll_generation
            return True if self._deliverable_updates() or superseded or self._closing else None

        self.waiting_polls += 1
        try:
            await self._notify()  # an older poll still waiting now answers with a conflict
            await self.wait_until(ready, timeout=float(params.get("timeout") or 0))
        except TimeoutError:
            pass
        finally:
            self.waiting_polls -= 1
        if generation != self._poll_generation:
            raise BotApiError(409, POLL_CONFLICT)
        limit = min(max(int(params.get("limit") or MAX_UPDATES_PER_POLL), 1), MAX_UPDATES_PER_POLL)
        return self._deliverable_updates()[:limit]

    async def _set_webhook(self, params: JsonDict) -> bool:
        self.webhook = dict(params)
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        url = (self.webhook or {}).get("url", "")
        return {"url": url, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not all(isinstance(command, dict) for command in commands):
            raise bad_request("can't parse commands JSON object", client_error=True)
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH", client_error=True)
        for command in commands:
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not BOT_COMMAND_NAME.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID", client_error=True)
            if not isinstance(description, str) or not description.strip() or len(description) > 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID", client_error=True)
        language_code = self._language_code(params)
        scope = params.get("scope")
        if isinstance(scope, dict) and "chat_id" in scope and scope["chat_id"] not in self._chats:
            # As Telegram: a chat the user never opened with the bot. Not a malformed request.
            raise bad_request("chat not found")
        self._commands[(_scope_key(scope), language_code)] = [
            {"command": command["command"], "description": command["description"]} for command in commands
        ]
        return True

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return self._commands.get((_scope_key(params.get("scope")), self._language_code(params)), [])

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self._commands.pop((_scope_key(params.get("scope")), self._language_code(params)), None)
        return True

    @staticmethod
    def _language_code(params: JsonDict) -> str:
        language_code = params.get("language_code") or ""
        if language_code and not LANGUAGE_CODE.fullmatch(language_code):
            raise bad_request("invalid language code specified", client_error=True)
        return str(language_code)

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat = self._chat(params)
        parsed = _render_text(params)
        markup = _checked_reply_markup(params.get("reply_markup"))
        message = StoredMessage(
            message_id=chat.next_message_id(),
            sender=self._bot_user(),
            date=_now(),
            text=parsed.text,
            html=params["text"],
            entities=parsed.entities,
            reply_markup=markup,
        )
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        if reply_to is not None:
            if reply_to not in chat.messages:
                raise bad_request("message to be replied not found")
            message.extra["reply_to_message"] = chat.messages[reply_to].to_api(chat.api)
        chat.add_message(message)
        chat.record("sent", message)
        return message.to_api(chat.api)

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        chat = self._chat(params)
        message = self._editable(chat, params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit", client_error=True)
        parsed = _render_text(params)
        markup = _checked_reply_markup(params.get("reply_markup"))
        return self._apply_edit(chat, message, parsed, params["text"], markup)

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        chat = self._chat(params)
        message = self._editable(chat, params)
        markup = _checked_reply_markup(params.get("reply_markup"))
        return self._apply_edit(
            chat, message, ParsedText(message.text or "", message.entities), message.html, markup
        )

    def _editable(self, chat: ChatState, params: JsonDict) -> StoredMessage:
        message = self._message(chat, params, "message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited", client_error=True)
        return message

    @staticmethod
    def _apply_edit(
        chat: ChatState, message: StoredMessage, parsed: ParsedText, html: str, markup: JsonDict | None
    ) -> JsonDict:
        # An edit without reply_markup removes the keyboard, as on Telegram.
        if (message.text, message.entities, message.reply_markup) == (parsed.text, parsed.entities, markup):
            raise bad_request(NOT_MODIFIED)
        message.text, message.html, message.entities, message.reply_markup = (
            parsed.text,
            html,
            parsed.entities,
            markup,
        )
        message.version += 1
        message.edit_date = _now()
        chat.record("edited", message)
        return message.to_api(chat.api)

    async def _delete_message(self, params: JsonDict) -> bool:
        chat = self._chat(params)
        self._delete(chat, self._message(chat, params, "message to delete not found"))
        return True

    async def _delete_messages(self, params: JsonDict) -> bool:
        chat = self._chat(params)
        message_ids = params.get("message_ids")
        if not isinstance(message_ids, list) or not 1 <= len(message_ids) <= 100:
            raise bad_request("message_ids must be a list of 1-100 message identifiers", client_error=True)
        for message_id in message_ids:
            message = chat.messages.get(message_id)
            if message is not None and not message.deleted:  # missing ones are skipped silently
                self._delete(chat, message)
        return True

    @staticmethod
    def _delete(chat: ChatState, message: StoredMessage) -> None:
        message.deleted = True
        if message.from_bot:
            chat.record("deleted", message)
        else:
            chat.note(f"bot deleted the user's message #{message.message_id}")

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        query = self._queries.get(query_id)
        if query is None or query.answered:
            raise bad_request(QUERY_INVALID)
        text = params.get("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG", client_error=True)
        query.answered = True
        answer = CallbackAnswer(
            text, bool(params.get("show_alert")), params.get("url"), params.get("cache_time")
        )
        self.callback_answers[query_id] = answer
        if text:
            self._chats[query.chat_id].note(
                f"bot answered the query: {text!r}{' (alert)' if answer.show_alert else ''}"
            )
        return True

    async def _send_chat_action(self, params: JsonDict) -> bool:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request", client_error=True)
        return True


def _render_text(params: JsonDict) -> ParsedText:
    """Validate a message text like Telegram and return what the user will see."""
    text = params.get("text")
    if not isinstance(text, str) or not text:
        raise bad_request("message text is empty", client_error=True)
    parse_mode = str(params.get("parse_mode") or "")
    if parse_mode.lower() == "html":
        try:
            parsed = parse_telegram_html_entities(text)
        except TelegramHtmlError as error:
            raise bad_request(f"can't parse entities: {error}", client_error=True) from None
    elif parse_mode:
        raise bad_request("unsupported parse_mode (the fake knows only HTML)", client_error=True)
    else:
        parsed = ParsedText(text, tuple(params.get("entities") or ()))
    parsed = _trim(parsed)
    if not parsed.text:
        raise bad_request("message text is empty", client_error=True)
    if len(parsed.text) > MAX_MESSAGE_LENGTH:
        raise bad_request("message is too long", client_error=True)
    return parsed


def _trim(parsed: ParsedText) -> ParsedText:
    """Strip surrounding whitespace as Telegram does, clipping entities to what remains."""
    text = parsed.text.strip(TRIMMED_CHARACTERS)
    lead = utf16_length(parsed.text[: len(parsed.text) - len(parsed.text.lstrip(TRIMMED_CHARACTERS))])
    size = utf16_length(text)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            entities.append(entity | {"offset": start, "length": end - start})
    return ParsedText(text, tuple(entities))


def _checked_reply_markup(markup: object) -> JsonDict | None:
    """Refuse keyboards Telegram refuses; return the markup as stored."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object", client_error=True)
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'can\'t parse inline keyboard button: field "inline_keyboard" must be an Array of Arrays',
            client_error=True,
        )
    for button in (button for row in rows for button in row):
        _check_inline_button(button)
    return markup


def _check_inline_button(button: object) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String', client_error=True
        )
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID", client_error=True)
    if not INLINE_BUTTON_ACTIONS.intersection(button):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            client_error=True,
        )
    data = button.get("callback_data")
    if "callback_data" in button and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    ):
        raise bad_request("BUTTON_DATA_INVALID", client_error=True)
    url = button.get("url")
    if "url" in button and (not isinstance(url, str) or not url.startswith(BUTTON_URL_SCHEMES)):
        raise bad_request("BUTTON_URL_INVALID", client_error=True)


async def _read_params(request: web.Request) -> JsonDict:
    """Merge query, JSON and form parameters, decoding JSON-encoded form values."""
    raw: JsonDict = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object", client_error=True) from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object", client_error=True)
        raw.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                raw[name] = {"filename": value.filename, "size": len(value.file.read())}
            else:
                raw[name] = value
    return {name: _decode_value(name, value) for name, value in raw.items()}


def _decode_value(name: str, value: Any) -> Any:
    if name in STRING_PARAMETERS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id="@channel"


def _scope_key(scope: object) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _now() -> int:
    return int(time.time())

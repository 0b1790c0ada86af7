"""Chats of the fake Bot API: stored messages, the per-chat event log, and test-facing views.

Every bot message sent, edited or deleted in a chat appends a `ChatEvent`. A chat has one
cursor: `expect_*` calls look at events after it and move it past what they return, so a
test reads the conversation in order, like a user scrolling down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from tests.support.fake_telegram import FakeTelegram

JsonDict = dict[str, Any]
EventKind = Literal["sent", "edited", "deleted"]
DEFAULT_TIMEOUT = 5.0
TRANSCRIPT_TEXT_LIMIT = 600


class Button(NamedTuple):
    """An inline button as a (text, callback_data) pair; URL buttons have no callback data."""

    text: str
    callback_data: str | None


@dataclass(frozen=True)
class BotMessage:
    """A bot message as it was at one moment: plain text, the text as sent, and its keyboard."""

    chat_id: int
    message_id: int
    text: str
    html: str
    entities: tuple[JsonDict, ...] = ()
    reply_markup: JsonDict | None = None
    version: int = 0
    deleted: bool = False

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard rows; empty when the message has none."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[Button(button["text"], button.get("callback_data")) for button in row] for row in rows]

    @property
    def button_texts(self) -> list[str]:
        """Texts of all inline buttons, row by row."""
        return [button.text for row in self.buttons for button in row]

    def button(self, text: str, *, partial: bool = False) -> Button:
        """Find the button labelled `text` (or containing it with partial=True), else fail the test."""
        buttons = [button for row in self.buttons for button in row]
        exact = [button for button in buttons if button.text == text]
        found = exact or ([button for button in buttons if text in button.text] if partial else [])
        if not found:
            raise AssertionError(
                f"no button {text!r} on message #{self.message_id}; buttons: {self.button_texts}"
            )
        if not exact and len(found) > 1:
            raise AssertionError(f"{text!r} matches several buttons on #{self.message_id}: {found}")
        return found[0]


@dataclass(frozen=True)
class ChatEvent:
    """One thing the bot did in a chat, with the message as it looked right after."""

    kind: EventKind
    message: BotMessage
    at: float  # time.monotonic()


@dataclass
class StoredMessage:
    """The fake's live record of one message, from the bot or from a simulated user."""

    message_id: int
    sender: JsonDict
    date: int
    text: str | None
    html: str = ""
    entities: tuple[JsonDict, ...] = ()
    reply_markup: JsonDict | None = None
    extra: JsonDict = field(default_factory=dict)
    edit_date: int | None = None
    version: int = 0
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        return bool(self.sender.get("is_bot"))

    def to_api(self, chat: JsonDict) -> JsonDict:
        """Render as a Bot API `Message` object."""
        message: JsonDict = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": chat,
            "date": self.date,
        }
        if self.text is not None:
            message["text"] = self.text
        if self.entities:
            message["entities"] = list(self.entities)
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        return message | self.extra

    def snapshot(self, chat_id: int) -> BotMessage:
        return BotMessage(
            chat_id=chat_id,
            message_id=self.message_id,
            text=self.text or "",
            html=self.html,
            entities=self.entities,
            reply_markup=self.reply_markup,
            version=self.version,
            deleted=self.deleted,
        )


class ChatState:
    """Everything the fake knows about one chat."""

    def __init__(self, api: JsonDict) -> None:
        self.api = api
        self.messages: dict[int, StoredMessage] = {}
        self.events: list[ChatEvent] = []
        self.cursor = 0
        self.transcript: list[tuple[int, str]] = []  # (number of events before the line, line)
        self._last_message_id = 0

    @property
    def id(self) -> int:
        return int(self.api["id"])

    def add_message(self, message: StoredMessage) -> None:
        self.messages[message.message_id] = message

    def next_message_id(self) -> int:
        # Telegram numbers a private chat's messages in one sequence for both sides.
        self._last_message_id += 1
        return self._last_message_id

    def note(self, line: str) -> None:
        self.transcript.append((len(self.events), line))

    def record(self, kind: EventKind, message: StoredMessage) -> None:
        snapshot = message.snapshot(self.id)
        self.note(_describe(kind, snapshot))
        self.events.append(ChatEvent(kind, snapshot, time.monotonic()))

    def render_transcript(self) -> str:
        lines = []
        for events_before, line in self.transcript:
            if events_before == self.cursor and self.cursor < len(self.events):
                lines.append("    ---- consumed up to here ----")
            lines.append(f"    {line}")
        return "\n".join(lines) or "    (nothing happened in this chat)"


def _describe(kind: EventKind, message: BotMessage) -> str:
    if kind == "deleted":
        return f"bot #{message.message_id} deleted"
    label = "bot" if kind == "sent" else "bot edited"
    text = (
        message.text
        if len(message.text) <= TRANSCRIPT_TEXT_LIMIT
        else message.text[:TRANSCRIPT_TEXT_LIMIT] + "…"
    )
    lines = [f"{label} #{message.message_id}: " + text.replace("\n", "\n        ")]
    for row in message.buttons:
        lines.append("        " + " ".join(f"[{button.text}]" for button in row))
    return "\n".join(lines)


class ChatView:
    """What a test sees of one chat: the bot's messages and a cursor over its events."""

    def __init__(self, fake: FakeTelegram, chat: ChatState) -> None:
        self._fake = fake
        self._chat = chat

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def chat(self) -> JsonDict:
        """The Bot API `Chat` object of this chat."""
        return self._chat.api

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages here, each in its current state (deleted ones included)."""
        stored = sorted(self._chat.messages.values(), key=lambda message: message.message_id)
        return [message.snapshot(self.chat_id) for message in stored if message.from_bot]

    @property
    def events(self) -> list[ChatEvent]:
        return list(self._chat.events)

    def last_message(self) -> BotMessage:
        """The newest bot message that is still there."""
        alive = [message for message in self.messages if not message.deleted]
        if not alive:
            raise AssertionError(f"the bot has no message in chat {self.chat_id}\n{self.transcript()}")
        return alive[-1]

    def current(self, message: BotMessage | int) -> BotMessage:
        """The current state of a bot message in this chat."""
        message_id = message if isinstance(message, int) else message.message_id
        stored = self._chat.messages.get(message_id)
        if stored is None or not stored.from_bot:
            raise AssertionError(f"no bot message #{message_id} in chat {self.chat_id}")
        return stored.snapshot(self.chat_id)

    def transcript(self) -> str:
        return f"Transcript of chat {self.chat_id}:\n{self._chat.render_transcript()}"

    def skip_events(self) -> None:
        """Mark everything that happened so far as consumed."""
        self._chat.cursor = len(self._chat.events)

    def assert_no_new_events(self) -> None:
        """Fail if the bot did anything here that no expect_* call has consumed."""
        if self._chat.cursor < len(self._chat.events):
            raise AssertionError(f"unexpected bot activity in chat {self.chat_id}\n{self.transcript()}")

    async def expect_event(
        self,
        predicate: Callable[[ChatEvent], bool] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        description: str = "bot event",
    ) -> ChatEvent:
        """Wait for the first unconsumed event matching `predicate`; events before it are consumed too."""
        chat = self._chat

        def find() -> int | None:
            for index in range(chat.cursor, len(chat.events)):
                if predicate is None or predicate(chat.events[index]):
                    return index
            return None

        try:
            index = await self._fake.wait_until(find, timeout=timeout)
        except TimeoutError:
            raise AssertionError(
                f"no {description} in chat {self.chat_id} within {timeout}s\n{self.transcript()}"
            ) from None
        chat.cursor = index + 1
        return chat.events[index]

    async def next_event(self, *, timeout: float = DEFAULT_TIMEOUT) -> ChatEvent:
        """Wait for the very next event, whatever it is."""
        return await self.expect_event(timeout=timeout, description="next bot event")

    async def expect_message(
        self,
        contains: str | None = None,
        *,
        predicate: Callable[[BotMessage], bool] | None = None,
        kind: Literal["any", "sent", "edited"] = "any",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> BotMessage:
        """Wait for the next bot message or edit (kind narrows it) whose text contains `contains`
        and that satisfies `predicate`; return it as it was at that event."""

        def matches(event: ChatEvent) -> bool:
            if event.kind == "deleted" or kind not in ("any", event.kind):
                return False
            if contains is not None and contains not in event.message.text:
                return False
            return predicate is None or predicate(event.message)

        wanted = [f"kind={kind}"] + ([f"containing {contains!r}"] if contains is not None else [])
        if predicate is not None:
            wanted.append(f"matching {getattr(predicate, '__name__', 'predicate')}")
        event = await self.expect_event(
            matches, timeout=timeout, description="bot message " + ", ".join(wanted)
        )
        return event.message

    async def expect_deleted(self, message: BotMessage | int, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until the bot deletes `message`."""
        message_id = message if isinstance(message, int) else message.message_id
        await self.expect_event(
            lambda event: event.kind == "deleted" and event.message.message_id == message_id,
            timeout=timeout,
            description=f"deletion of #{message_id}",
        )


class SimulatedUser(ChatView):
    """A Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(self, fake: FakeTelegram, chat: ChatState, user: JsonDict) -> None:
        super().__init__(fake, chat)
        self.user = user

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def name(self) -> str:
        return str(self.user["first_name"])

    @property
    def language_code(self) -> str | None:
        return self.user.get("language_code")

    @language_code.setter
    def language_code(self, value: str | None) -> None:
        """Switch the language Telegram reports for this user in later updates."""
        if value is None:
            self.user.pop("language_code", None)
        else:
            self.user["language_code"] = value

    async def send(
        self, text: str, *, chat: ChatView | None = None, reply_to: BotMessage | None = None
    ) -> JsonDict:
        """Send a text message (to the private chat, or to `chat`); return the update's Message."""
        fields: JsonDict = {"text": text}
        command = _leading_command(text)
        if command:
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._fake.user_sends(self, chat or self, fields, reply_to=reply_to)

    async def edit(self, sent: JsonDict, text: str) -> JsonDict:
        """Edit a message this user sent earlier (`sent`, as `send` returned it) to `text`."""
        edited = {key: value for key, value in sent.items() if key != "entities"}
        edited |= {"text": text, "edit_date": sent["date"] + 1}
        if command := _leading_command(text):
            edited["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self._fake.queue_update("edited_message", edited)
        return edited

    async def send_sticker(self, *, chat: ChatView | None = None, emoji: str = "👍") -> JsonDict:
        """Send a sticker (a message without text); return the update's Message."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAEBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._fake.user_sends(self, chat or self, {"sticker": sticker})

    async def press(self, message: BotMessage | int, text: str, *, partial: bool = False) -> str:
        """Press the button labelled `text` on the current version of `message`; return the query id."""
        view = self._view_of(message)
        current = view.current(message)
        if current.deleted:
            raise AssertionError(f"message #{current.message_id} was deleted\n{view.transcript()}")
        button = current.button(text, partial=partial)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} on #{current.message_id} has no callback data")
        return await self._fake.user_presses(
            self, view, current.message_id, button.callback_data, button.text
        )

    async def press_data(self, message: BotMessage | int, data: str) -> str:
        """Send a callback query with hand-made `data` from `message`; return the query id."""
        view = self._view_of(message)
        message_id = view.current(message).message_id
        return await self._fake.user_presses(self, view, message_id, data, None)

    def _view_of(self, message: BotMessage | int) -> ChatView:
        if isinstance(message, BotMessage) and message.chat_id != self.chat_id:
            return self._fake.chat(message.chat_id)
        return self


def _leading_command(text: str) -> str | None:
    """The `/command` or `/command@bot` a message starts with, as Telegram marks it."""
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0]
    name = word[1:].split("@", 1)[0]
    if (
        not name
        or len(name) > 64
        or not all(char.isascii() and (char.isalnum() or char == "_") for char in name)
    ):
        return None
    return word

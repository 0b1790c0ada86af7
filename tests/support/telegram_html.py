"""Telegram's HTML parse mode, reimplemented to reject what the Bot API would reject.

Follows tdlib's `parse_html` (tag names, attribute syntax, nesting, error wording with
UTF-8 byte offsets) with one deliberate difference: Telegram keeps a bare `&` or an
unknown `&name;` as literal text, while this parser refuses both, because either means
a value reached a message without `html.escape`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_CHARACTERS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SPACES = frozenset(" \t\r\n\v\f\0")
NAME_TOKEN_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


class TelegramHtmlError(ValueError):
    """Text Telegram refuses in HTML parse mode; str() is what follows "can't parse entities: "."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text and its Bot API `MessageEntity` dicts (offsets in UTF-16 code units)."""

    text: str
    entities: tuple[dict[str, Any], ...]


def parse_telegram_html(text: str) -> str:
    """Return the plain text Telegram would show, or raise TelegramHtmlError."""
    return parse_telegram_html_entities(text).text


def parse_telegram_html_entities(text: str) -> ParsedText:
    """Return the plain text with its entities, or raise TelegramHtmlError."""
    return _HtmlParser(text).parse()


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    begin: int  # index in the source, for error offsets
    offset: int  # UTF-16 offset in the output where the entity starts
    output_index: int  # index into the output pieces, to read a link's own text
    attributes: dict[str, str] = field(default_factory=dict)


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.position = 0
        self.pieces: list[str] = []
        self.offset = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> ParsedText:
        source = self.source
        while self.position < len(source):
            char = source[self.position]
            if char == "&":
                self._emit(self._read_character_reference())
            elif char != "<":
                self._emit(char)
                self.position += 1
            elif source.startswith("</", self.position):
                self._read_end_tag()
            else:
                self._read_start_tag()
        if self.open_tags:
            name = self.open_tags[-1].name
            raise TelegramHtmlError(f'Can\'t find end tag corresponding to start tag "{name}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)  # only a pre keeps its code's language
        entities = sorted(self.entities, key=lambda entity: (entity["offset"], -entity["length"]))
        return ParsedText("".join(self.pieces), tuple(entities))

    def _emit(self, text: str) -> None:
        self.pieces.append(text)
        self.offset += utf16_length(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _error(self, message: str, index: int) -> TelegramHtmlError:
        return TelegramHtmlError(message.replace("{at}", f"at byte offset {self._byte_offset(index)}"))

    def _read_character_reference(self) -> str:
        """Decode `&...;` at the cursor; anything but the five supported forms is an error."""
        source, begin = self.source, self.position
        end = source.find(";", begin)
        name = source[begin + 1 : end] if end != -1 else ""
        if name.startswith("#x") or name.startswith("#X"):
            code = int(name[2:], 16) if _is_digits(name[2:], "0123456789abcdefABCDEF") else None
        elif name.startswith("#"):
            code = int(name[1:]) if _is_digits(name[1:], "0123456789") else None
        else:
            code = ord(NAMED_CHARACTERS[name]) if name in NAMED_CHARACTERS else None
        if code is None or not 0 < code < 0x110000:
            shown = source[begin : end + 1] if 0 < end - begin <= 12 else "&"
            raise self._error(
                f'Unsupported character reference "{shown}" {{at}}; '
                "only &lt; &gt; &amp; &quot; and &#NNN; are allowed (escape a bare &)",
                begin,
            )
        if 0xD800 <= code <= 0xDFFF:
            raise TelegramHtmlError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self.position = end + 1
        return chr(code)

    def _at(self, characters: frozenset[str] | str) -> bool:
        """Whether the cursor is on one of `characters` (False at the end)."""
        return self.position < len(self.source) and self.source[self.position] in characters

    def _skip_until(self, stops: frozenset[str] | str) -> None:
        while self.position < len(self.source) and self.source[self.position] not in stops:
            self.position += 1

    def _skip_spaces(self) -> None:
        while self._at(SPACES):
            self.position += 1

    def _read_start_tag(self) -> None:
        source, begin = self.source, self.position
        self.position += 1
        self._skip_until(SPACES | {">"})
        if self.position == len(source):
            raise self._error("Unclosed start tag {at}", begin)
        name = source[begin + 1 : self.position].lower()
        if name not in ENTITY_TYPES:
            raise self._error(f'Unsupported start tag "{name}" {{at}}', begin)
        attributes = self._read_attributes(name, begin)
        self.position += 1  # the closing '>'
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise self._error('Tag "span" must have class "tg-spoiler" {at}', begin)
        self.open_tags.append(_OpenTag(name, begin, self.offset, len(self.pieces), attributes))

    def _read_attributes(self, tag: str, begin: int) -> dict[str, str]:
        source = self.source
        attributes: dict[str, str] = {}
        while True:
            self._skip_spaces()
            if self.position == len(source):
                raise self._error("Unclosed start tag {at}", begin)
            if source[self.position] == ">":
                return attributes
            name_begin = self.position
            self._skip_until(SPACES | {"=", ">"})
            name = source[name_begin : self.position].lower()
            if not name:
                raise self._error(f'Empty attribute name in the tag "{tag}" {{at}}', begin)
            self._skip_spaces()
            if self._at("="):
                self.position += 1
                self._skip_spaces()
                if self.position == len(source):
                    raise self._error(f'Unclosed start tag "{tag}" {{at}}', begin)
                attributes[name] = self._read_attribute_value(begin)
            elif tag == "blockquote" and name == "expandable":
                attributes[name] = ""
            else:
                raise self._error(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" {{at}}', begin
                )

    def _read_attribute_value(self, tag_begin: int) -> str:
        source = self.source
        quote = source[self.position]
        if quote not in "'\"":
            token_begin = self.position
            while self._at(NAME_TOKEN_CHARACTERS):
                self.position += 1
            if self.position < len(source) and not self._at(SPACES | {">"}):
                raise self._error("Unexpected end of name token {at}", token_begin)
            return source[token_begin : self.position].lower()
        self.position += 1
        value: list[str] = []
        while self.position < len(source) and source[self.position] != quote:
            if source[self.position] == "&":
                value.append(self._read_character_reference())
            else:
                value.append(source[self.position])
                self.position += 1
        if self.position == len(source):
            raise self._error("Unclosed start tag {at}", tag_begin)
        self.position += 1
        return "".join(value)

    def _read_end_tag(self) -> None:
        source, begin = self.source, self.position
        if not self.open_tags:
            raise self._error("Unexpected end tag {at}", begin)
        self.position += 2
        self._skip_until(SPACES | {">"})
        name = source[begin + 2 : self.position].lower()
        self._skip_spaces()
        if not self._at(">"):
            raise self._error("Unclosed end tag {at}", begin)
        self.position += 1
        tag = self.open_tags.pop()
        if name and name != tag.name:
            raise self._error(f'Unmatched end tag {{at}}, expected "</{tag.name}>", found "</{name}>"', begin)
        if self.offset > tag.offset:
            self._add_entity(tag)

    def _add_entity(self, tag: _OpenTag) -> None:
        entity: dict[str, Any] = {
            "type": ENTITY_TYPES[tag.name],
            "offset": tag.offset,
            "length": self.offset - tag.offset,
        }
        if tag.name == "a":
            url = tag.attributes.get("href") or "".join(self.pieces[tag.output_index :])
            if not url or SPACES.intersection(url):
                return  # Telegram drops a link it can't use instead of failing
            entity["url"] = url if "://" in url or url.startswith("tg:") else f"http://{url}"
        elif tag.name == "tg-emoji":
            emoji_id = tag.attributes.get("emoji-id", "")
            if not emoji_id.isdigit() or int(emoji_id) == 0:
                raise TelegramHtmlError("Invalid custom emoji identifier specified")
            entity["custom_emoji_id"] = emoji_id
        elif tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code":
            language = tag.attributes.get("class", "").removeprefix("language-")
            if tag.attributes.get("class", "").startswith("language-") and language:
                if self._merge_into_pre(entity, language):
                    return
                entity["language"] = language
        elif tag.name == "pre" and self._merge_code_language(entity):
            return
        self.entities.append(entity)

    def _merge_into_pre(self, code: dict[str, Any], language: str) -> bool:
        """`<code class="language-x">` around a `<pre>` of the same span gives that pre language x."""
        last = self.entities[-1] if self.entities else None
        if last and last["type"] == "pre" and _same_span(last, code):
            last["language"] = language
            return True
        return False

    def _merge_code_language(self, pre: dict[str, Any]) -> bool:
        """`<pre>` exactly around `<code class="language-x">` becomes one pre with language x."""
        last = self.entities[-1] if self.entities else None
        if last and last["type"] == "code" and "language" in last and _same_span(last, pre):
            last["type"] = "pre"
            return True
        return False


def _same_span(first: dict[str, Any], second: dict[str, Any]) -> bool:
    return bool(first["offset"] == second["offset"] and first["length"] == second["length"])


def _is_digits(text: str, alphabet: str) -> bool:
    return bool(text) and all(char in alphabet for char in text)

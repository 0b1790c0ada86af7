"""Read `bot/` as syntax trees to find texts that skip the catalog and ids the code uses."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bot

BOT_DIR = Path(bot.__file__).resolve().parent
# Operator tooling (English only) and the panel client (no Telegram) speak to no user.
EXCLUDED_DIRS = ("sandbox", "panel")

# Telegram calls that show text, with the position of that text when passed positionally
# (None: only by keyword). `answer` is CallbackQuery.answer / Message.answer.
TEXT_POSITIONS: dict[str, int | None] = {
    "reply_text": 0,
    "reply_html": 0,
    "reply_markdown": 0,
    "reply_markdown_v2": 0,
    "send_message": 1,
    "edit_message_text": 0,
    "edit_text": 0,
    "answer": 0,
    "answer_callback_query": 1,
    "edit_caption": None,
    "edit_message_caption": None,
    "reply_photo": None,
    "send_photo": None,
    "reply_document": None,
    "send_document": None,
    "set_my_description": 0,
    "set_my_short_description": 0,
    "InlineKeyboardButton": 0,
    "KeyboardButton": 0,
    "BotCommand": 1,
    "ReplyKeyboardMarkup": None,
    "ForceReply": None,
}
# Of those, the places Telegram shows as plain text, never parsing HTML.
PLAIN_TEXT_CALLEES = frozenset(
    {
        "answer",
        "answer_callback_query",
        "set_my_description",
        "set_my_short_description",
        "InlineKeyboardButton",
        "KeyboardButton",
        "BotCommand",
        "ReplyKeyboardMarkup",
        "ForceReply",
    }
)
TEXT_KEYWORDS = frozenset({"text", "caption", "description", "short_description", "input_field_placeholder"})

# Names the translator goes by in `bot/`: `tr(...)`, `tr.plural(...)`, `self.tr(...)`, `_t(...)`,
# and `i18n.translator(language)(...)`.
TRANSLATOR_NAMES = frozenset({"tr", "_t", "_"})
TRANSLATOR_FACTORY = "translator"
TRANSLATOR_METHODS = frozenset({"plural", "plain"})


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def user_facing_modules() -> Iterator[tuple[Path, ast.Module]]:
    """Parse every module of `bot/` that may talk to users."""
    for path in sorted(BOT_DIR.rglob("*.py")):
        if path.relative_to(BOT_DIR).parts[0] in EXCLUDED_DIRS:
            continue
        yield path.relative_to(BOT_DIR.parent), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def literal_text(node: ast.expr) -> str | None:
    """The literal part of an expression that builds text in place, None when it has none."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(literal_text(part) or "" for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        parts = [literal_text(node.left), literal_text(node.right)]
        return None if parts == [None, None] else "".join(part or "" for part in parts)
    if isinstance(node, ast.IfExp):
        parts = [literal_text(node.body), literal_text(node.orelse)]
        return None if parts == [None, None] else " ".join(part or "" for part in parts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return literal_text(node.func.value)
    return None


def _shown_arguments(call: ast.Call, callee: str) -> Iterator[ast.expr]:
    position = TEXT_POSITIONS[callee]
    if position is not None and len(call.args) > position:
        yield call.args[position]
    yield from (keyword.value for keyword in call.keywords if keyword.arg in TEXT_KEYWORDS)


def hard_coded_texts(path: Path, tree: ast.Module) -> Iterator[Finding]:
    """Telegram calls whose shown text is written in the code instead of the catalog."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = _name(node.func)
        if callee not in TEXT_POSITIONS:
            continue
        for argument in _shown_arguments(node, callee):
            text = literal_text(argument)
            if text is not None and any(char.isalpha() for char in text):
                yield Finding(path, node.lineno, f"{callee}(...) shows {text!r} from the code, not locales/")


def _is_translator(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        return _name(node.func) == TRANSLATOR_FACTORY
    return _name(node) in TRANSLATOR_NAMES


def _literal_ids(node: ast.expr) -> tuple[str, ...]:
    """Ids written in place: `"a-b"`, or either side of `"a-b" if x else "c-d"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.IfExp):
        return _literal_ids(node.body) + _literal_ids(node.orelse)
    return ()


@dataclass(frozen=True)
class TranslatorCall:
    """One call of the translator: `tr(...)`, `tr.plural(...)` or `tr.plain(...)`."""

    finding: Finding
    method: str  # "", "plural" or "plain"
    message_ids: tuple[str, ...]
    keywords: frozenset[str] | None  # None when `**values` hides them


def translator_call(path: Path, node: ast.AST) -> TranslatorCall | None:
    """Describe `node` if it calls the translator, else None."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if _is_translator(func):
        method = ""
    elif isinstance(func, ast.Attribute) and func.attr in TRANSLATOR_METHODS and _is_translator(func.value):
        method = func.attr
    else:
        return None
    message_ids = _literal_ids(node.args[0]) if node.args else ()
    names = [keyword.arg for keyword in node.keywords]
    keywords = None if None in names else frozenset(name for name in names if name is not None)
    what = f"tr{'.' + method if method else ''}({', '.join(map(repr, message_ids)) or '...'})"
    return TranslatorCall(Finding(path, node.lineno, what), method, message_ids, keywords)


def translator_calls(path: Path, tree: ast.Module) -> Iterator[TranslatorCall]:
    for node in ast.walk(tree):
        call = translator_call(path, node)
        if call is not None:
            yield call


def escaped_values_in_plain_text(path: Path, tree: ast.Module) -> Iterator[Finding]:
    """`tr(...)` with values where Telegram shows plain text: its `&amp;` would show as is."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (callee := _name(node.func)) in PLAIN_TEXT_CALLEES:
            for argument in _shown_arguments(node, callee):
                call = translator_call(path, argument)
                if call is not None and call.method != "plain" and call.keywords != frozenset():
                    yield Finding(
                        path,
                        node.lineno,
                        f"{callee}(...) shows plain text: use tr.plain, not {call.finding.what}",
                    )


def string_constants(tree: ast.Module) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }

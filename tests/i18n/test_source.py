"""Guards of the code: every text a user sees goes through locales/, every id it asks for exists."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from bot.i18n import message_forms, placeholders
from tests.i18n.catalogs import SOURCE_LANGUAGE, messages
from tests.i18n.source_scan import (
    TranslatorCall,
    escaped_values_in_plain_text,
    hard_coded_texts,
    string_constants,
    translator_calls,
    user_facing_modules,
)

# Message families looked up by an id the code computes, so no literal names them:
# `f"status-{slug}"` and the like. Every other id in en.po must appear as a literal in bot/.
DYNAMIC_ID_PREFIXES = (
    "status-",  # order status from the panel: status-<status, lower case, spaces as ->
    "refill-status-",  # refill status from the panel, same scheme
    "service-type-",  # service type from the catalog: service-type-<type>
    "command-",  # command menu, one description per command: command-<command, _ as ->
)


def scan(source: str) -> ast.Module:
    return ast.parse(textwrap.dedent(source))


def test_no_text_bypasses_the_catalog() -> None:
    findings = [finding for path, tree in user_facing_modules() for finding in hard_coded_texts(path, tree)]
    assert not findings, "texts must come from locales/*.po:\n" + "\n".join(map(str, findings))


def all_translator_calls() -> list[TranslatorCall]:
    return [call for path, tree in user_facing_modules() for call in translator_calls(path, tree)]


def test_every_id_the_code_asks_for_is_in_english() -> None:
    known = messages(SOURCE_LANGUAGE)
    unknown = [
        f"{call.finding.path}:{call.finding.line}: {message_id!r}"
        for call in all_translator_calls()
        for message_id in call.message_ids
        if message_id not in known
    ]
    assert not unknown, "add these to locales/en.po (and every other language):\n" + "\n".join(unknown)


def test_every_call_passes_exactly_the_placeholders_of_its_message() -> None:
    known = messages(SOURCE_LANGUAGE)
    problems = []
    for call in all_translator_calls():
        for message_id in call.message_ids:
            if call.keywords is None or message_id not in known:
                continue
            expected = placeholders(message_forms(known[message_id])[0])
            given = call.keywords | {"count"} if call.method == "plural" else call.keywords
            if given != expected:
                problems.append(
                    f"{call.finding}: passes {sorted(given)}, {message_id} takes {sorted(expected)}"
                )
    assert not problems, "\n".join(problems)


def test_plain_text_places_use_tr_plain_for_values() -> None:
    findings = [
        finding
        for path, tree in user_facing_modules()
        for finding in escaped_values_in_plain_text(path, tree)
    ]
    assert not findings, "\n".join(map(str, findings))


def test_every_english_id_is_used() -> None:
    modules = list(user_facing_modules())
    if not all_translator_calls():
        pytest.skip("nothing in bot/ translates yet")
    used = set().union(*(string_constants(tree) for _path, tree in modules))
    unused = sorted(
        message_id
        for message_id in messages(SOURCE_LANGUAGE)
        if message_id not in used and not message_id.startswith(DYNAMIC_ID_PREFIXES)
    )
    assert not unused, (
        "ids no code uses (delete them, or list their prefix in DYNAMIC_ID_PREFIXES):\n" + "\n".join(unused)
    )


@pytest.mark.parametrize(
    "source",
    [
        'await update.message.reply_text("Welcome!")',
        'await message.reply_html(f"<b>Order {order_id}</b> placed")',
        'await bot.send_message(chat_id, "Done")',
        'await bot.send_message(chat_id=1, text="Done")',
        'await query.edit_message_text("Choose a service")',
        'await message.edit_text("Price: " + price)',
        'await query.answer("Out of date", show_alert=True)',
        'await bot.answer_callback_query(query_id, "Stale")',
        'await bot.answer_callback_query(query_id, text="Stale")',
        'InlineKeyboardButton("Back", callback_data="menu:main")',
        'telegram.KeyboardButton(text="Share")',
        'BotCommand("start", "Main menu")',
        'BotCommand(command="start", description="Main menu")',
        'await message.reply_text("Hello {}".format(name))',
        'await message.reply_photo(photo, caption="Your chart")',
    ],
)
def test_the_scan_catches_hard_coded_texts(source: str) -> None:
    assert list(hard_coded_texts(Path("x.py"), scan(source))), source


@pytest.mark.parametrize(
    "source",
    [
        'await update.message.reply_text(tr("start-welcome", name=name))',
        'await bot.send_message(chat_id, tr("help-text"))',
        'InlineKeyboardButton(tr.plain("button-back"), callback_data="menu:main")',
        'InlineKeyboardButton(service.name, callback_data=f"svc:{service.id}")',
        'InlineKeyboardButton("✅", callback_data="ok")',
        'InlineKeyboardButton(f"{page}/{pages}", callback_data="noop")',
        'BotCommand("start", tr.plain("command-start"))',
        "await query.answer()",
        'await bot.answer_callback_query("12345")',
        'logger.info("Sent the welcome")',
    ],
)
def test_the_scan_lets_catalog_texts_and_data_through(source: str) -> None:
    assert not list(hard_coded_texts(Path("x.py"), scan(source))), source


def test_the_scan_finds_every_way_of_asking_for_a_message() -> None:
    tree = scan(
        """
        tr("a-one", name=name)
        tr.plural("a-two", n)
        tr.plain("a-three", **values)
        self.tr("a-four" if done else "a-five")
        _t("a-six")
        i18n.translator("ru")("a-seven")
        i18n.translator("ru")
        print("not-an-id")
        """
    )
    calls = sorted(translator_calls(Path("x.py"), tree), key=lambda call: call.finding.line)
    assert [(call.method, call.message_ids, call.keywords) for call in calls] == [
        ("", ("a-one",), {"name"}),
        ("plural", ("a-two",), frozenset()),
        ("plain", ("a-three",), None),
        ("", ("a-four", "a-five"), frozenset()),
        ("", ("a-six",), frozenset()),
        ("", ("a-seven",), frozenset()),
    ]


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ('InlineKeyboardButton(tr("button-page", page=1, pages=2), callback_data="x")', True),
        ('await query.answer(tr("notice", name=name), show_alert=True)', True),
        ('InlineKeyboardButton(tr.plain("button-page", page=1, pages=2), callback_data="x")', False),
        ('InlineKeyboardButton(tr("button-back"), callback_data="x")', False),
        ('await message.reply_text(tr("start-welcome", name=name))', False),
    ],
)
def test_the_scan_catches_escaped_values_in_plain_text(source: str, flagged: bool) -> None:
    assert bool(list(escaped_values_in_plain_text(Path("x.py"), scan(source)))) == flagged

"""Guards of the catalogs: complete, consistent, and valid Telegram HTML in every language."""

from __future__ import annotations

import gettext
import logging
import re
from collections import Counter

import pytest
from babel.messages.plurals import get_plural

from bot.i18n import I18n, message_forms, placeholders
from tests.i18n.catalogs import LANGUAGES, SOURCE_LANGUAGE, messages, po_path, read_catalog, written_flags
from tests.support.telegram_html import TelegramHtmlError, parse_telegram_html, utf16_length

MESSAGE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_MESSAGE_LENGTH = 4096
MAX_COMMAND_DESCRIPTION = 256
# Buttons, menus and command descriptions are plain text: Telegram shows markup there literally.
PLAIN_TEXT_PREFIXES = ("button-", "menu-", "command-")
# Enough counts to reach every plural form of every language we might ship.
PLURAL_SAMPLES = (0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 102, 111, 1000, 1001)
# Exercises escaping: a value that is not escaped makes the HTML check fail.
DUMMY_VALUE = 'x<b>&"y'


def all_ids() -> set[str]:
    return {message_id for language in LANGUAGES for message_id in messages(language)}


def test_the_three_base_languages_are_there() -> None:
    assert {"en", "ko", "ru"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_name_the_language_and_its_plural_rule(language: str) -> None:
    catalog = read_catalog(language)
    assert str(catalog.locale) == language, f"{po_path(language)}: set the header Language: {language}"
    ours = gettext.c2py(catalog.plural_expr)
    reference = get_plural(language)
    cldr = gettext.c2py(reference.plural_expr)
    assert catalog.num_plurals == reference.num_plurals, f"{po_path(language)}: use Plural-Forms: {reference}"
    assert [ours(n) for n in range(1000)] == [cldr(n) for n in range(1000)], (
        f"{po_path(language)}: use Plural-Forms: {reference}"
    )


def test_every_message_is_translated_in_every_language() -> None:
    english_plurals = {key for key, message in messages(SOURCE_LANGUAGE).items() if message.pluralizable}
    problems = []
    for language in LANGUAGES:
        entries = messages(language)
        for message_id in sorted(all_ids()):
            message = entries.get(message_id)
            if message is None:
                problems.append(f"{language}.po: {message_id} is missing")
            elif message.fuzzy:
                problems.append(f"{language}.po: {message_id} is fuzzy (fuzzy entries are never shown)")
            elif message.pluralizable != (message_id in english_plurals):
                problems.append(f"{language}.po: {message_id} must be plural exactly when en.po's is")
            elif not all(message_forms(message)):
                problems.append(f"{language}.po: {message_id} has an empty msgstr")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ids_are_symbolic_keys_defined_once(language: str) -> None:
    text = po_path(language).read_text(encoding="utf-8")
    counts = Counter(re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE))
    assert not [key for key, count in counts.items() if count > 1], "an id is defined twice"
    for message_id, message in messages(language).items():
        assert MESSAGE_ID.fullmatch(message_id), f"{language}.po: {message_id!r} is not a kebab-case key"
        if message.pluralizable:
            assert message.id[1] == message_id, (
                f"{language}.po: msgid_plural of {message_id} must repeat the id"
            )


def test_placeholders_match_english_in_every_language_and_form() -> None:
    problems = []
    for message_id, english in messages(SOURCE_LANGUAGE).items():
        expected = placeholders(message_forms(english)[0])
        for language in LANGUAGES:
            message = messages(language).get(message_id)
            for index, form in enumerate(message_forms(message) if message else ()):
                found = placeholders(form)
                if found != expected:
                    problems.append(
                        f"{language}.po: {message_id}[{index}] has {sorted(found)}, en.po {sorted(expected)}"
                    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_flagged_python_brace_format(language: str) -> None:
    """Our msgids are symbolic keys without the placeholders, so a format flag would make
    msgfmt --check (and Poedit, which runs it) reject the catalog as broken."""
    flagged = [
        message_id
        for message_id, flags in written_flags(language).items()
        if "python-brace-format" in flags
    ]
    assert not flagged, f"{language}.po: drop '#, python-brace-format' from {flagged}"


def rendered_messages(translator_language: str, i18n: I18n) -> list[tuple[str, str]]:
    """Every message of one language rendered with a dummy for each placeholder."""
    tr = i18n.translator(translator_language)
    rendered: list[tuple[str, str]] = []
    for message_id, message in messages(translator_language).items():
        values = dict.fromkeys(placeholders(message_forms(message)[0]), DUMMY_VALUE)
        if message.pluralizable:
            rendered += [(f"{message_id}[n={n}]", tr.plural(message_id, n, **values)) for n in PLURAL_SAMPLES]
        else:
            rendered.append((message_id, tr(message_id, **values)))
    return rendered


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_renders_as_valid_telegram_html(
    language: str, i18n: I18n, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.i18n")
    for label, text in rendered_messages(language, i18n):
        try:
            shown = parse_telegram_html(text)
        except TelegramHtmlError as error:
            pytest.fail(f"{language}.po: {label} is not valid Telegram HTML: {error}\n{text}")
        assert utf16_length(shown) <= MAX_MESSAGE_LENGTH, f"{language}.po: {label} is too long"
        assert shown.strip(), f"{language}.po: {label} renders empty"
    assert not caplog.records, "rendering logged errors: " + "; ".join(r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plain_text_messages_carry_no_markup(language: str) -> None:
    for message_id, message in messages(language).items():
        if message_id.startswith(PLAIN_TEXT_PREFIXES):
            for form in message_forms(message):
                assert not set("<>&") & set(form), f"{language}.po: {message_id} is plain text, markup shows"
        if message_id.startswith("command-"):
            assert 1 <= len(message_forms(message)[0]) <= MAX_COMMAND_DESCRIPTION, (
                f"{language}.po: {message_id} length"
            )

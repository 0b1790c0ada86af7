"""The translator's API: languages, plurals, exact numbers and money, dates, escaping, loading."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import textwrap
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.numbers import get_decimal_symbol, get_group_symbol

from bot.i18n import Html, I18n, locales_dir
from tests.support.telegram_html import parse_telegram_html

NBSP = "\xa0"
MOMENT = dt.datetime(2026, 1, 5, 15, 4, tzinfo=dt.UTC)
HOSTILE = "https://x.com/<b>&\"'"


def test_languages_and_their_own_names(i18n: I18n) -> None:
    assert {"en", "ko", "ru"} <= set(i18n.languages)
    assert [i18n.native_name(code) for code in ("en", "ko", "ru")] == ["English", "한국어", "Русский"]


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("ko-KR", "ko"),
        ("ko_kr", "ko"),
        ("RU", "ru"),
        ("en-US", "en"),
        ("ru", "ru"),
        ("de", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_resolve_maps_telegram_tags_to_a_language_we_have(i18n: I18n, tag: str | None, language: str) -> None:
    assert i18n.resolve(tag) == language
    assert i18n.translator(tag).language == language


def test_resolve_falls_back_to_the_chosen_default() -> None:
    assert I18n.load(default_language="ru").resolve("de") == "ru"


def test_translators_are_shared(i18n: I18n) -> None:
    assert i18n.translator("ru") is i18n.translator("ru-RU")


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "1 заказ"),
        (2, "2 заказа"),
        (5, "5 заказов"),
        (21, "21 заказ"),
        (11, "11 заказов"),
        (22, "22 заказа"),
        (111, "111 заказов"),
        (0, "0 заказов"),
        (1001, f"1{NBSP}001 заказ"),
    ],
)
def test_russian_has_three_plural_forms(i18n: I18n, count: int, text: str) -> None:
    assert i18n.translator("ru").plural("orders-count", count) == text


def test_plural_forms_in_english_and_korean(i18n: I18n) -> None:
    en, ko = i18n.translator("en"), i18n.translator("ko")
    assert [en.plural("orders-count", n) for n in (0, 1, 2)] == ["0 orders", "1 order", "2 orders"]
    assert [ko.plural("orders-count", n) for n in (1, 5)] == ["주문 1건", "주문 5건"]
    assert en.plural("services-count", 3, count=Html("<b>3</b>")) == "<b>3</b> services"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567"), ("ko", "1,234,567"), ("ru", f"1{NBSP}234{NBSP}567")],
)
def test_number_groups_digits_the_local_way(i18n: I18n, language: str, expected: str) -> None:
    assert i18n.translator(language).number(1234567) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "0.0000123"), ("ko", "0.0000123"), ("ru", "0,0000123")]
)
def test_tiny_numbers_are_not_rounded(i18n: I18n, language: str, expected: str) -> None:
    assert i18n.translator(language).number(Decimal("0.0000123")) == expected


EXACT_AMOUNTS = [
    Decimal("0.0000123"),
    Decimal("1E-7"),
    Decimal("1234.5678901"),
    Decimal("-42.1000001"),
    Decimal("12345678901234567890.123456789"),
    Decimal("100"),
]


def parse_back(text: str, language: str) -> Decimal:
    """Undo local formatting: drop group separators, read the local decimal separator."""
    digits = text.replace(get_group_symbol(language), "").replace(get_decimal_symbol(language), ".")
    return Decimal("".join(char for char in digits if char.isdigit() or char in ".-"))


@pytest.mark.parametrize("language", ["en", "ko", "ru"])
@pytest.mark.parametrize("amount", EXACT_AMOUNTS, ids=str)
def test_numbers_and_money_keep_every_digit(i18n: I18n, language: str, amount: Decimal) -> None:
    tr = i18n.translator(language)
    assert parse_back(tr.number(amount), language) == amount
    for currency in ("USD", "KRW", "RUB", "XYZ", "coins"):
        assert parse_back(tr.money(amount, currency), language) == amount


# A broken panel, or a level stored before typed amounts were checked, can hold these.
ABSURD_AMOUNTS = [
    Decimal("1E-5000"),
    Decimal("1E-999999999"),
    Decimal("0." + "3" * 5000),
    Decimal("1E+999999999"),
    Decimal("-9.87654321E+5000"),
]


@pytest.mark.parametrize("language", ["en", "ko", "ru"])
@pytest.mark.parametrize("amount", ABSURD_AMOUNTS, ids=lambda amount: str(amount)[:20])
def test_absurd_numbers_and_money_are_written_short(i18n: I18n, language: str, amount: Decimal) -> None:
    tr = i18n.translator(language)
    for text in (tr.number(amount), tr.money(amount, "USD"), tr.money(amount, "coins")):
        assert len(text) < 60, text


@pytest.mark.parametrize(
    ("language", "amount", "number", "money"),
    [
        ("en", Decimal("1E-5000"), "0", "$0.00"),
        ("en", Decimal("0.1234567890125"), "0.123456789012", "$0.123456789012"),
        ("ru", Decimal("0.1234567890126"), "0,123456789013", f"0,123456789013{NBSP}$"),
        ("en", Decimal(f"5.{'0' * 20}"), "5", "$5.00"),
        ("en", Decimal("1.5E+40"), "1.5E+40", f"1.5E+40{NBSP}USD"),
        ("ru", Decimal("-1.23456789E+30"), "-1,234568E+30", f"-1,234568E+30{NBSP}USD"),
    ],
)
def test_numbers_past_the_bounds_are_rounded_or_written_in_scientific_notation(
    i18n: I18n, language: str, amount: Decimal, number: str, money: str
) -> None:
    tr = i18n.translator(language)
    assert (tr.number(amount), tr.money(amount, "USD")) == (number, money)


@pytest.mark.parametrize("language", ["en", "ko", "ru"])
@pytest.mark.parametrize("amount", [Decimal("5"), Decimal("12.50"), Decimal("1234567.891")], ids=str)
def test_numbers_the_bot_writes_are_read_back(i18n: I18n, language: str, amount: Decimal) -> None:
    tr = i18n.translator(language)
    assert tr.read_number(tr.number(amount)) == amount


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "1,000", Decimal("1000")),
        ("en", "12,50", None),
        ("en", "1 000", None),
        ("ru", "1,000", Decimal("1.000")),
        ("ru", "1 000", Decimal("1000")),
        ("ru", "12.5", Decimal("12.5")),
        ("en", "1e-5000", None),
        ("en", "0x10", None),
        ("en", "1_000", None),
        ("en", "-1", None),
    ],
)
def test_read_number_takes_only_plain_numbers_written_the_local_way(
    i18n: I18n, language: str, typed: str, expected: Decimal | None
) -> None:
    assert i18n.translator(language).read_number(typed) == expected


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("en", Decimal("1234.5678901"), "USD", "$1,234.5678901"),
        ("ko", Decimal("1234.5678901"), "USD", "US$1,234.5678901"),
        ("ru", Decimal("1234.5678901"), "USD", f"1{NBSP}234,5678901{NBSP}$"),
        ("en", Decimal("5"), "USD", "$5.00"),
        ("ko", Decimal("5000"), "KRW", "₩5,000"),
        ("en", Decimal("0.5"), "usd", "$0.50"),
        ("en", Decimal("12.5"), "XYZ", f"XYZ{NBSP}12.50"),
        ("en", Decimal("12.5"), "coins", f"coins{NBSP}12.50"),
        ("ru", Decimal("12.5"), "XYZ", f"12,50{NBSP}XYZ"),
        ("en", Decimal("12.5"), "", "12.5"),
        ("en", Decimal("12.5"), None, "12.5"),
        ("en", Decimal("1"), "\\1x", f"\\1x{NBSP}1.00"),
    ],
)
def test_money_is_written_the_local_way(
    i18n: I18n, language: str, amount: Decimal, currency: str | None, expected: str
) -> None:
    assert i18n.translator(language).money(amount, currency) == expected


@pytest.mark.parametrize(
    ("language", "date", "moment"),
    [
        ("en", "Jan 5, 2026", "Jan 5, 2026, 3:04 PM"),
        ("ko", "2026. 1. 5.", "2026. 1. 5. 오후 3:04"),
        ("ru", "5 янв. 2026 г.", "5 янв. 2026 г., 15:04"),
    ],
)
def test_dates_in_the_users_language(i18n: I18n, language: str, date: str, moment: str) -> None:
    tr = i18n.translator(language)
    assert tr.date(MOMENT).replace("\u202f", " ") == date
    assert tr.datetime(MOMENT).replace("\u202f", " ") == moment
    assert tr.datetime(MOMENT.replace(tzinfo=None)) == tr.datetime(MOMENT), "naive means UTC"


def test_dates_in_another_time_zone(i18n: I18n) -> None:
    tr = i18n.translator("en")
    seoul = dt.timezone(dt.timedelta(hours=9))
    assert tr.date(MOMENT, seoul) == "Jan 6, 2026"
    assert tr.datetime(MOMENT, seoul).replace("\u202f", " ") == "Jan 6, 2026, 12:04 AM"
    if "Asia/Seoul" in zoneinfo.available_timezones():
        assert tr.datetime(MOMENT, "Asia/Seoul") == tr.datetime(MOMENT, seoul)


def test_an_unknown_time_zone_shows_utc(i18n: I18n, caplog: pytest.LogCaptureFixture) -> None:
    tr = i18n.translator("en")
    assert tr.datetime(MOMENT, "Nowhere/Atlantis") == tr.datetime(MOMENT, "UTC")
    assert "Nowhere/Atlantis" in caplog.text


def test_values_are_escaped_into_valid_html(i18n: I18n) -> None:
    text = i18n.translator("en")("error-panel", message=HOSTILE)
    assert text == "⚠️ The panel said: <i>https://x.com/&lt;b&gt;&amp;&quot;&#x27;</i>"
    assert parse_telegram_html(text) == f"⚠️ The panel said: {HOSTILE}"


def test_html_values_pass_through_and_results_nest(i18n: I18n) -> None:
    tr = i18n.translator("en")
    assert tr("error-panel", message=Html("<b>bold</b>")) == "⚠️ The panel said: <i><b>bold</b></i>"
    inner = tr("status-unknown", status="<x>")
    assert isinstance(inner, Html)
    assert tr("error-panel", message=inner) == "⚠️ The panel said: <i>&lt;x&gt;</i>"


def test_other_values_are_formatted_with_str_then_escaped(i18n: I18n) -> None:
    tr = i18n.translator("en")
    assert tr("button-page", page=3, pages=Decimal("10")) == "Page 3/10"


def test_plain_inserts_values_unescaped(i18n: I18n) -> None:
    assert i18n.translator("en").plain("button-page", page="<1>", pages="&") == "Page <1>/&"


def test_a_missing_id_is_logged_and_shown_as_itself(i18n: I18n, caplog: pytest.LogCaptureFixture) -> None:
    tr = i18n.translator("ru")
    with caplog.at_level(logging.ERROR, logger="bot.i18n"):
        assert tr("no-such-message", name="x") == "no-such-message"
        assert tr.plural("no-such-plural", 3) == "no-such-plural"
        assert tr.plain("no-such-button") == "no-such-button"
    assert "no-such-message" in caplog.text and "no-such-plural" in caplog.text


def test_a_missing_value_is_logged_and_left_visible(i18n: I18n, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.i18n"):
        assert i18n.translator("en")("button-page", page=1) == "Page 1/{pages}"
    assert "pages" in caplog.text


PO_HEADER = """\
msgid ""
msgstr ""
"Language: {language}\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: {plural_forms}\\n"
"""
PLURAL_FORMS = {language: str(get_plural(language)) for language in ("en", "ru")}


def write_po(folder: Path, language: str, entries: str, header_language: str | None = None) -> Path:
    path = folder / f"{language}.po"
    header = PO_HEADER.format(language=header_language or language, plural_forms=PLURAL_FORMS[language])
    path.write_text(header + "\n" + textwrap.dedent(entries), encoding="utf-8")
    return path


def test_a_message_missing_in_one_language_falls_back_to_the_default(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plural = 'msgid "n"\nmsgid_plural "n"\nmsgstr[0] "{count} one"\nmsgstr[1] "{count} many"\n'
    write_po(tmp_path, "en", f'msgid "hello"\nmsgstr "Hello"\n\nmsgid "bye"\nmsgstr "Bye"\n\n{plural}')
    # "bye" is fuzzy (never shown) and "n" lacks its third plural form.
    write_po(
        tmp_path, "ru", f'msgid "hello"\nmsgstr "Привет"\n\n#, fuzzy\nmsgid "bye"\nmsgstr "Пока"\n\n{plural}'
    )
    tr = I18n.load(directory=tmp_path).translator("ru")
    with caplog.at_level(logging.ERROR, logger="bot.i18n"):
        assert (tr("hello"), tr("bye"), tr.plural("n", 5)) == ("Привет", "Bye", "5 many")
    assert "'bye'" in caplog.text and "'n'" in caplog.text and "ru.po" in caplog.text


@pytest.mark.parametrize(
    ("entries", "header_language", "complaint"),
    [
        ('msgid "a"\nmsgstr "unterminated\n', None, "ru.po"),
        ('msgid "a"\nmsgstr "{count:d} items"\n', None, "'a'"),
        ('msgid "a"\nmsgstr "{}"\n', None, "'a'"),
        ('msgid "a"\nmsgstr "a { b"\n', None, "'a'"),
        ('msgid "a"\nmsgstr "say \\"hi\\""\nmsgstr "x" "y"\n', None, "line 9"),
        (
            'msgid "a"\nmsgid_plural "a"\n' + "".join(f'msgstr[{n}] "{n}"\n' for n in range(4)),
            None,
            "num_plurals",
        ),
        ('msgid "a"\nmsgstr "A"\n', "en", "Language: ru"),
    ],
)
def test_a_broken_catalog_is_refused_naming_the_file(
    tmp_path: Path, entries: str, header_language: str | None, complaint: str
) -> None:
    write_po(tmp_path, "en", 'msgid "a"\nmsgstr "A"\n')
    write_po(tmp_path, "ru", entries, header_language)
    with pytest.raises(ValueError, match=r"ru\.po") as caught:
        I18n.load(directory=tmp_path)
    assert complaint in str(caught.value)


def test_the_default_language_must_have_a_catalog(tmp_path: Path) -> None:
    write_po(tmp_path, "ru", 'msgid "a"\nmsgstr "A"\n')
    with pytest.raises(ValueError, match=r"en\.po"):
        I18n.load(default_language="en", directory=tmp_path)


def test_catalogs_load_from_any_working_directory() -> None:
    """Locales are found through the package, not the current directory."""
    script = (
        "from bot.i18n import I18n, locales_dir; i18n = I18n.load(); "
        "print(locales_dir()); print(i18n.translator('ru').plural('orders-count', 21))"
    )
    project_root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [project_root, os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == [str(locales_dir()), "21 заказ"]


def test_the_bots_time_zone_is_the_default_for_dates() -> None:
    seoul = I18n.load(timezone="Asia/Seoul").translator("en")
    assert seoul.timezone == "Asia/Seoul"
    assert seoul.date(MOMENT) == "Jan 6, 2026"
    assert seoul.datetime(MOMENT) == seoul.datetime(MOMENT, "Asia/Seoul")
    assert seoul.datetime(MOMENT, "UTC") != seoul.datetime(MOMENT)

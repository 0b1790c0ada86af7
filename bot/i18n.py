"""Every text a user sees: gettext catalogs read from `locales/*.po` with Babel.

The catalogs are compiled in memory at start-up, so there is no `.mo` file and no build
step. A `Translator` renders messages of one language (escaping the values it inserts into
Telegram HTML) and writes numbers, money and dates the way that language does.
"""

from __future__ import annotations

import datetime as dt
import gettext
import html
import logging
import re
import string
import zoneinfo
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

logger = logging.getLogger(__name__)

_FORMATTER = string.Formatter()
# A keyword line (`msgid "..."`, `msgstr[1] "..."`) or a continuation line (`"..."`).
_PO_LINE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?"(?:[^"\\]|\\.)*"')

# Numbers are written with every digit they have, within bounds no real amount comes near: a
# broken panel, or a setting stored before typed amounts were checked ("1E-5000",
# "1E+999999999"), would otherwise fill a message with thousands of digits, or a gigabyte.
MAX_DECIMALS = 12
MAX_WHOLE_DIGITS = 30
# Beyond MAX_WHOLE_DIGITS a number is written as 1.234568E+45: its size is all that matters.
_SCIENTIFIC_DIGITS = 7
# Enough precision for every digit within the bounds, and room for any exponent a Decimal has.
_BOUNDED = Context(prec=MAX_WHOLE_DIGITS + MAX_DECIMALS + 2, Emax=MAX_EMAX, Emin=MIN_EMIN)
_SCIENTIFIC = Context(prec=_SCIENTIFIC_DIGITS, Emax=MAX_EMAX, Emin=MIN_EMIN)
# Spaces people type between groups of digits, where the language groups with a space.
_SPACES = " \xa0\u202f"


class Html(str):
    """Text that is already valid Telegram HTML; the translator inserts it unescaped."""

    __slots__ = ()


def locales_dir() -> Path:
    """Find `locales/`: inside the package when installed from a wheel, beside it in a checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "locales", package_dir.parent / "locales"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no locales/ directory in or beside {package_dir}")


def placeholders(template: str) -> frozenset[str]:
    """Return the `{name}` fields of a message; ValueError for any other kind of field."""
    names = set()
    for _literal, field, spec, conversion in _FORMATTER.parse(template):
        if field is None:
            continue
        # Values arrive as escaped strings, so a format spec or `{a.b}` could never work.
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} is not a plain {{name}} field")
        names.add(field)
    return frozenset(names)


def _escape(value: object) -> str:
    return value if isinstance(value, Html) else html.escape(str(value))


def _normalise_tag(language: str) -> str:
    return language.strip().lower().replace("_", "-")


@dataclass(frozen=True)
class _Messages:
    """One language's compiled catalog and the ids it really translates."""

    language: str
    locale: Locale
    translations: gettext.GNUTranslations
    singular_ids: frozenset[str]
    plural_ids: frozenset[str]


class _Values(dict[str, str]):
    """Escaped placeholder values; a value the caller forgot is logged, never raised."""

    def __init__(self, values: Mapping[str, str], message_id: str, language: str) -> None:
        super().__init__(values)
        self._message_id = message_id
        self._language = language

    def __missing__(self, name: str) -> str:
        logger.error("Message %r (%s) rendered without {%s}", self._message_id, self._language, name)
        return "{" + name + "}"


@contextmanager
def _exact_decimals(value: Decimal) -> Iterator[None]:
    """Give Babel enough decimal precision that it never rounds a long amount."""
    exponent = value.as_tuple().exponent
    needed = len(value.as_tuple().digits) + (abs(exponent) if isinstance(exponent, int) else 0)
    with localcontext() as context:
        context.prec = max(context.prec, needed + 2)
        yield


def _too_large(value: Decimal) -> bool:
    return value.is_finite() and value.adjusted() >= MAX_WHOLE_DIGITS


def _within_decimals(value: Decimal) -> Decimal:
    """The value itself, or rounded to MAX_DECIMALS places (trailing zeros dropped) when it has more."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -MAX_DECIMALS:
        return value
    return value.quantize(Decimal(1).scaleb(-MAX_DECIMALS), context=_BOUNDED).normalize(context=_BOUNDED)


def _number_pattern(locale: Locale) -> re.Pattern[str]:
    """A plain non-negative number as `locale` writes it: digits, groups of three, decimals.

    A dot is a decimal point too where the language groups with something else ("12.50" in
    Russian); signs, exponents and misplaced group separators ("12,50" in English) never match.
    """
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    groups = _SPACES if group in _SPACES else group
    points = decimal if "." in groups + decimal else decimal + "."
    group_class, point_class = re.escape(groups), re.escape(points)
    return re.compile(
        rf"(?P<whole>[0-9]+|[0-9]{{1,3}}(?:[{group_class}][0-9]{{3}})+)(?:[{point_class}](?P<fraction>[0-9]+))?"
    )


def _space_letter_symbol(text: str, symbol: str) -> str:
    """Keep a currency written in letters ("RUB", "coins") off the digits, as CLDR asks."""
    # The symbol comes from the panel: a function replacement, so its text is never a template.
    if symbol[-1:].isalpha():
        text = re.sub(rf"{re.escape(symbol)}(?=\d)", lambda match: match[0] + "\xa0", text, count=1)
    if symbol[:1].isalpha():
        text = re.sub(rf"(?<=\d){re.escape(symbol)}", lambda match: "\xa0" + match[0], text, count=1)
    return text


def _zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    if tz.upper() == "UTC":
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        logger.warning("Unknown time zone %r; showing UTC", tz)
        return dt.UTC


def _in_zone(moment: dt.datetime, tz: str | dt.tzinfo) -> dt.datetime:
    if moment.tzinfo is None:
        # SQLite hands timestamps back naive; everything we store is UTC.
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_zone(tz))


class Translator:
    """Messages and formats of one language; get one from `I18n.translator`."""

    def __init__(self, catalogs: tuple[_Messages, ...], timezone: str = "UTC") -> None:
        self.language = catalogs[0].language
        self.timezone = timezone
        self._locale = catalogs[0].locale
        self._number_pattern = _number_pattern(self._locale)
        # Its own catalog first, then the default language's for messages not translated yet.
        self._catalogs = catalogs

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    def __call__(self, message_id: str, /, **values: object) -> Html:
        """Render a message as Telegram HTML, escaping every value that is not `Html`."""
        template = self._template(message_id, None)
        if template is None:
            return Html(html.escape(message_id))
        return Html(self._fill(message_id, template, values, escape=True))

    def plural(self, message_id: str, count: int, /, **values: object) -> Html:
        """Render the plural form for `count`; `{count}` defaults to `number(count)`."""
        template = self._template(message_id, count)
        if template is None:
            return Html(html.escape(message_id))
        values.setdefault("count", self.number(count))
        return Html(self._fill(message_id, template, values, escape=True))

    def plain(self, message_id: str, /, **values: object) -> str:
        """Render a message for plain-text places (buttons, command menu, callback alerts)."""
        template = self._template(message_id, None)
        if template is None:
            return message_id
        return self._fill(message_id, template, values, escape=False)

    def number(self, value: int | Decimal) -> str:
        """Write a number with every digit it has, grouped the way this language groups.

        Past MAX_DECIMALS places it is rounded; past MAX_WHOLE_DIGITS digits it is written
        in scientific notation.
        """
        value = Decimal(value)
        if _too_large(value):
            return f"{value.normalize(context=_SCIENTIFIC):E}".replace(".", get_decimal_symbol(self._locale))
        value = _within_decimals(value)
        with _exact_decimals(value):
            return format_decimal(value, locale=self._locale, decimal_quantization=False)

    def money(self, amount: Decimal, currency: str | None) -> str:
        """Write an amount in a currency without rounding; any code works, even "coins".

        Panels that send no currency get the bare number. The bounds of `number` apply.
        """
        code = (currency or "").strip()
        if not code:
            return self.number(amount)
        if len(code) == 3 and code.isalpha():
            code = code.upper()
        if _too_large(amount):
            return f"{self.number(amount)}\xa0{code}"
        amount = _within_decimals(amount)
        with _exact_decimals(amount):
            text = format_currency(amount, code, locale=self._locale, decimal_quantization=False)
        return _space_letter_symbol(text, get_currency_symbol(code, locale=self._locale))

    def read_number(self, text: str) -> Decimal | None:
        """Read a number typed the way this language writes them ("1,234.5"; "1 234,5" in
        Russian); None for anything else, such as "1e5", "-3" or "12,50" in English."""
        match = self._number_pattern.fullmatch(text.strip())
        if match is None:
            return None
        whole = "".join(digit for digit in match["whole"] if digit.isdigit())
        fraction = match["fraction"]
        return Decimal(f"{whole}.{fraction}" if fraction else whole)

    def date(self, moment: dt.datetime, tz: str | dt.tzinfo | None = None) -> str:
        """Write the day of `moment` in `tz` (default: the bot's TIMEZONE) ("Jan 5, 2026").

        Naive datetimes count as UTC.
        """
        return format_date(_in_zone(moment, tz or self.timezone), "medium", locale=self._locale)

    def datetime(self, moment: dt.datetime, tz: str | dt.tzinfo | None = None) -> str:
        """Write `moment` as a medium date and a short time ("Jan 5, 2026, 3:04 PM")."""
        local = _in_zone(moment, tz or self.timezone)
        day = format_date(local, "medium", locale=self._locale)
        time = format_time(local, "short", tzinfo=local.tzinfo, locale=self._locale)
        pattern = str(get_datetime_format("medium", locale=self._locale)).replace("'", "")
        return pattern.replace("{1}", day).replace("{0}", time)

    def _template(self, message_id: str, count: int | None) -> str | None:
        """Find the message (its plural form for `count`); log and return None when absent."""
        for messages in self._catalogs:
            if count is None and message_id in messages.singular_ids:
                return messages.translations.gettext(message_id)
            if count is not None and message_id in messages.plural_ids:
                return messages.translations.ngettext(message_id, message_id, count)
            kind = "message" if count is None else "plural message"
            logger.error("No %s %r in locales/%s.po", kind, message_id, messages.language)
        return None

    def _fill(self, message_id: str, template: str, values: Mapping[str, object], *, escape: bool) -> str:
        texts = {name: _escape(value) if escape else str(value) for name, value in values.items()}
        return template.format_map(_Values(texts, message_id, self.language))


class I18n:
    """Every language in `locales/`; create once at start-up with `I18n.load()`."""

    def __init__(self, translators: Mapping[str, Translator], default_language: str) -> None:
        self.languages = tuple(translators)
        self.default_language = default_language
        self._translators = dict(translators)
        self._by_tag = {_normalise_tag(language): language for language in translators}

    @classmethod
    def load(
        cls, default_language: str = "en", directory: Path | None = None, timezone: str = "UTC"
    ) -> I18n:
        """Read every `*.po` in `directory` (default: the project's `locales/`).

        Dates and times are shown in `timezone` (an IANA name such as "Asia/Seoul").

        Raise ValueError naming the file when a catalog is broken, and when there is no
        catalog for `default_language`.
        """
        folder = directory or locales_dir()
        paths = sorted(folder.glob("*.po"))
        by_language = {path.stem: path for path in paths}
        if default_language not in by_language:
            available = ", ".join(by_language) or "none"
            raise ValueError(
                f"no {folder / default_language}.po for the default language (found: {available})"
            )
        catalogs = {language: _compile(path) for language, path in by_language.items()}
        default = catalogs[default_language]
        translators = {
            language: Translator(
                (messages,) if language == default_language else (messages, default), timezone
            )
            for language, messages in catalogs.items()
        }
        return cls(translators, default_language)

    def translator(self, language: str | None) -> Translator:
        """Return the translator for a language tag (resolved, so any tag or None works)."""
        return self._translators[self.resolve(language)]

    def resolve(self, language: str | None) -> str:
        """Map a Telegram `language_code` ("ko-KR", "pt-br", None) to a language we have."""
        if language:
            tag = _normalise_tag(language)
            for candidate in (tag, tag.split("-")[0]):
                if candidate in self._by_tag:
                    return self._by_tag[candidate]
        return self.default_language

    def native_name(self, language: str) -> str:
        """Name a language in itself, capitalised ("한국어", "Русский") for the picker."""
        name = Locale.parse(language).get_display_name(language) or language
        return name[:1].upper() + name[1:]


def _compile(path: Path) -> _Messages:
    """Read and check one `.po` file; ValueError naming the file on any problem."""
    try:
        data = path.read_bytes()
        _check_syntax(data.decode("utf-8"))
        catalog = read_po(BytesIO(data), abort_invalid=True)
        locale = Locale.parse(path.stem)
        _check(catalog, locale)
    except (PoFileError, UnknownLocaleError, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path}: {error}") from None
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    singular_ids: set[str] = set()
    plural_ids: set[str] = set()
    for message in catalog:
        # Like the compiled catalog, skip what is fuzzy or untranslated: the default language covers it.
        if message.id and not message.fuzzy and all(message_forms(message)):
            (plural_ids if message.pluralizable else singular_ids).add(message_key(message))
    return _Messages(
        language=path.stem,
        locale=locale,
        translations=gettext.GNUTranslations(buffer),
        singular_ids=frozenset(singular_ids),
        plural_ids=frozenset(plural_ids),
    )


def _check_syntax(text: str) -> None:
    """Refuse lines Babel would quietly misread, such as a string missing its closing quote."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.fullmatch(stripped):
            raise ValueError(f"line {number} is not a PO line (a quote missing?): {stripped[:60]!r}")


def _check(catalog: Catalog, locale: Locale) -> None:
    """Reject what would only fail later, in front of a user."""
    if catalog.locale is None or str(catalog.locale) != str(locale):
        raise ValueError(f'the "Language: {locale}" header is missing or names another language')
    for message in catalog:
        if not message.id:
            continue
        for form in message_forms(message):
            try:
                placeholders(form)
            except ValueError as error:
                raise ValueError(f"{message_key(message)!r}: {error}") from None


def message_key(message: Message) -> str:
    """The id a message is looked up by (a plural entry's `msgid`, not its `msgid_plural`)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def message_forms(message: Message) -> tuple[str, ...]:
    """Every msgstr of an entry: one for a singular message, one per plural form otherwise."""
    if isinstance(message.string, str):
        return (message.string,)
    return tuple(form or "" for form in message.string or ())

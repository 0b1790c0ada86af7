"""The `.po` files as Babel reads them, for tests that inspect the catalogs themselves."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import locales_dir, message_key

LOCALES = locales_dir()
LANGUAGES = tuple(sorted(path.stem for path in LOCALES.glob("*.po")))
SOURCE_LANGUAGE = "en"


def po_path(language: str) -> Path:
    return LOCALES / f"{language}.po"


@cache
def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as file:
        return read_po(file, abort_invalid=True)


def messages(language: str) -> dict[str, Message]:
    """The entries of one catalog by id, without the header."""
    return {message_key(message): message for message in read_catalog(language) if message.id}


def written_flags(language: str) -> dict[str, frozenset[str]]:
    """The `#,` flags of each entry as written in the file.

    Babel re-derives format flags from the msgid when reading, so only the file itself
    shows what translators' tools will see.
    """
    flags: dict[str, frozenset[str]] = {}
    pending: set[str] = set()
    for line in po_path(language).read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            pending |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith('msgid "'):
            flags[line.removeprefix('msgid "').removesuffix('"')] = frozenset(pending)
            pending = set()
    return flags

"""The HTML checker refuses what Telegram refuses, with Telegram's wording."""

from __future__ import annotations

import pytest

from tests.support.telegram_html import TelegramHtmlError, parse_telegram_html, parse_telegram_html_entities


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("", ""),
        ("plain text", "plain text"),
        ("<b>bold</b> <strong>strong</strong>", "bold strong"),
        ("<i>i</i><em>em</em><u>u</u><ins>ins</ins>", "iemuins"),
        ("<s>s</s><strike>strike</strike><del>del</del>", "sstrikedel"),
        ('<span class="tg-spoiler">hidden</span> <tg-spoiler>too</tg-spoiler>', "hidden too"),
        ('<a href="https://example.com/?a=1&amp;b=2">link</a>', "link"),
        ("<code>x &lt; y</code>", "x < y"),
        ('<pre><code class="language-python">print("hi")</code></pre>', 'print("hi")'),
        ("<blockquote>quote</blockquote><blockquote expandable>more</blockquote>", "quotemore"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("&lt;&gt;&amp;&quot; &#65;&#x42;&#x1F600;", '<>&" AB😀'),
        ("<B>upper</B>", "upper"),
        ("<b>nested <i>deeply <u>here</u></i></b>", "nested deeply here"),
        ("<i>closed by</>", "closed by"),
        ("<b class='ignored'>unknown attributes are ignored</b>", "unknown attributes are ignored"),
        ("100% > 99% and x=y", "100% > 99% and x=y"),
        ("Привет, <b>мир</b> 🌍", "Привет, мир 🌍"),
    ],
)
def test_accepts_supported_markup(html: str, plain: str) -> None:
    assert parse_telegram_html(html) == plain


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("<i>a</i   ", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<b =x>y</b>", 'Empty attribute name in the tag "b" at byte offset 0'),
        ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ("Tom & Jerry", 'Unsupported character reference "&" at byte offset 4'),
        ("&nbsp;", 'Unsupported character reference "&nbsp;" at byte offset 0'),
        ("&lt", 'Unsupported character reference "&" at byte offset 0'),
        ("&#xD800;", "Text contains invalid Unicode characters after decoding HTML entities"),
        ("🏟 🏟&lt;<abac>", 'Unsupported start tag "abac" at byte offset 13'),
    ],
)
def test_refuses_what_telegram_refuses(html: str, error: str) -> None:
    with pytest.raises(TelegramHtmlError) as raised:
        parse_telegram_html(html)
    assert str(raised.value).startswith(error)


def test_entities_use_utf16_offsets() -> None:
    parsed = parse_telegram_html_entities('😀 <b>bold</b> <a href="https://x.org">x</a>')

    assert parsed.text == "😀 bold x"
    assert parsed.entities == (
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 1, "url": "https://x.org"},
    )


def test_pre_with_language_and_expandable_quote() -> None:
    parsed = parse_telegram_html_entities(
        '<pre><code class="language-py">x = 1</code></pre><blockquote expandable>q</blockquote>'
    )

    assert parsed.entities == (
        {"type": "pre", "offset": 0, "length": 5, "language": "py"},
        {"type": "expandable_blockquote", "offset": 5, "length": 1},
    )

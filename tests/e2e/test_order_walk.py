"""Browsing to an order: catalog pages, search, the service card, Back/Cancel, stale buttons,
escaping, and what the user sees when there is no account or no catalog."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from bot.sandbox import Fault, SandboxPanel
from tests.e2e.order_walk_support import ALICE, Walker, running_bot, services_of
from tests.support.fake_chats import BotMessage
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness

STALE = "This button is out of date"


def page_label(message: BotMessage) -> str | None:
    return next((text for text in message.button_texts if text.startswith("Page ")), None)


def callback_data(message: BotMessage) -> list[str]:
    return [button.callback_data or "" for row in message.buttons for button in row]


async def test_a_big_catalog_pages_through_categories_and_services(tmp_path: Path) -> None:
    async with SandboxPanel(extra_services=5000, seed=3) as panel:
        panel.add_account(SANDBOX_API_KEY, balance=Decimal("100"))
        names = list(dict.fromkeys(service.category for service in panel.services))
        sizes = {name: sum(service.category == name for service in panel.services) for name in names}
        pages = -(-len(names) // 10)
        assert len(names) > 200 and pages > 20
        async with running_bot(tmp_path, panel) as harness:
            alice = Walker(harness, ALICE)
            first = await alice.command("/order", contains="New order")
            assert f"{len(panel.services):,} services" in first.text
            assert page_label(first) == f"Page 1/{pages}"
            assert "‹ Prev" not in first.button_texts and "Next ›" in first.button_texts
            assert first.button_texts[:10] == [f"{name} ({sizes[name]})" for name in names[:10]]

            second = await alice.press(first, "Next ›")
            assert page_label(second) == f"Page 2/{pages}" and "‹ Prev" in second.button_texts
            assert second.button_texts[0] == f"{names[10]} ({sizes[names[10]]})"

            await alice.user.press_data(second, "cats:10")
            middle = await alice.user.expect_message(kind="edited")
            assert page_label(middle) == f"Page 11/{pages}"
            assert {"‹ Prev", "Next ›"} <= set(middle.button_texts)
            assert middle.button_texts[0] == f"{names[100]} ({sizes[names[100]]})"

            await alice.user.press_data(middle, f"cats:{pages - 1}")
            last = await alice.user.expect_message(kind="edited")
            assert page_label(last) == f"Page {pages}/{pages}" and "Next ›" not in last.button_texts
            listed = [label for label in last.button_texts if label.endswith(")")]
            assert listed == [f"{name} ({sizes[name]})" for name in names[(pages - 1) * 10 :]]

            services = await alice.press(last, listed[-1])
            assert page_label(services) == "Page 1/3"
            assert len([data for data in callback_data(services) if data.startswith("svc:")]) == 10
            third = await alice.press(await alice.press(services, "Next ›"), "Next ›")
            assert page_label(third) == "Page 3/3"
            assert len([data for data in callback_data(third) if data.startswith("svc:")]) == 5
            # Back from a category returns to the categories page it was listed on.
            back = await alice.press(third, "« Back")
            assert page_label(back) == f"Page {pages}/{pages}"
            assert all(len(data.encode()) <= 64 for data in callback_data(back))


async def test_search_by_words_in_names_and_categories(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        found = await alice.command("/order LIKES")
        assert "found 3 services" in found.text
        labels = found.button_texts
        assert any(label.startswith("Instagram Likes [Fast]") for label in labels)
        assert any(label.startswith("Instagram Story Views") for label in labels)  # by its category
        assert any(label.startswith("Instagram Comment Likes") for label in labels)

        narrower = await alice.command("/order comment likes instagram")
        assert "found 1 service" in narrower.text

        nothing = await alice.command("/order spotify")
        assert "Nothing matches" in nothing.text and "spotify" in nothing.text

        # After /order, words typed in the chat search too.
        typed = await alice.type("tiktok")
        assert "found 1 service" in typed.text
        card = await alice.press(typed, "TikTok Views", partial=True)
        assert "🆔 21" in card.text


async def test_search_results_page_through_a_big_catalog(tmp_path: Path) -> None:
    async with SandboxPanel(extra_services=5000, seed=3) as panel:
        panel.add_account(SANDBOX_API_KEY, balance=Decimal("100"))
        async with running_bot(tmp_path, panel) as harness:
            alice = Walker(harness, ALICE)
            found = await alice.command("/order spotify followers")
            assert "found 25 services" in found.text and page_label(found) == "Page 1/3"
            second = await alice.press(found, "Next ›")
            assert page_label(second) == "Page 2/3"
            assert all("Spotify Followers" in label for label in second.button_texts[:10])


async def test_the_card_shows_everything_and_back_and_cancel_work(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        categories = await alice.command("/order")
        followers = await alice.press(categories, "Instagram Followers (2)")
        assert "Instagram Followers [Refill 30D] · $0.90" in followers.button_texts
        card = await alice.press(followers, "Instagram Followers [Refill 30D] · $0.90")
        for shown in ("Instagram Followers [Refill 30D]", "🆔 1 · Standard", "$0.90 per 1,000",
                      "From 50 to 10,000", "Refill: yes", "Cancel: yes", "Drip-feed: yes", "Real-looking profiles"):
            assert shown in card.text, shown
        plain = await alice.command("/order 2")
        assert "Refill: no" in plain.text and "Drip-feed: no" in plain.text and "ℹ️" not in plain.text

        link_step = await alice.press(card, "🛒 Order")
        assert "Step 1 of 3" in link_step.text
        quantity_step = await alice.type("instagram.com/a")
        assert "Step 2 of 3" in quantity_step.text
        back_to_link = await alice.press(quantity_step, "« Back")
        assert "Step 1 of 3" in back_to_link.text and "Now: https://instagram.com/a" in back_to_link.text
        back_to_card = await alice.press(back_to_link, "« Back")
        assert "🆔 1" in back_to_card.text
        back_to_list = await alice.press(back_to_card, "« Back")
        assert "Instagram Followers · 2 services" in back_to_list.text
        back_to_categories = await alice.press(back_to_list, "« Back")
        assert "New order" in back_to_categories.text

        cancelled = await alice.press(back_to_categories, "✖️ Cancel")
        assert cancelled.text.startswith("Cancelled")
        assert await services_of(harness).db.drafts.get(ALICE) is None


async def test_unknown_service_ids_are_named(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        answer = await alice.command("/order 4242")
        assert "no service with ID 4242" in answer.text


async def test_cancel_leaves_the_form_from_anywhere(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await alice.open_form(2)
        await alice.type("instagram.com/a")
        confirmation = await alice.type("100")
        assert "Check your order" in confirmation.text
        await alice.command("/cancel", contains="Cancelled")
        # The form is gone: a number is no answer any more, and the old Confirm is stale.
        answer = await alice.type("200")
        assert "Step" not in answer.text
        query = await alice.user.press(confirmation, "✅ Confirm")
        assert STALE in await alice.alert(query)
        assert sandbox.count("add") == 0


async def test_stale_and_forged_buttons_get_a_notice(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        categories = await alice.command("/order")
        for data in ("cat:999:0", "cat:0:7", "cat:x:0", "cats:500", "svc:99999", "svc:abc",
                     "ow:start:99999", "ow:confirm:forged", "ow:pick:device:9", "ow:back:quantity",
                     "ow:skip:link", "ow:change:link", "ow:found:1", "ow:whatever", "zz:1"):
            query = await alice.user.press_data(categories, data)
            assert STALE in await alice.alert(query), data
        link_step = await alice.press(categories, "Instagram Followers (2)")
        card = await alice.press(link_step, "Instagram Followers [Refill 30D]", partial=True)
        link_step = await alice.press(card, "🛒 Order")
        quantity_step = await alice.type("instagram.com/a")
        # The link step's Back button is old now: only the step on screen may act.
        query = await alice.user.press_data(quantity_step, "ow:back:link")
        assert STALE in await alice.alert(query)
        assert "Step 2 of 3" in alice.user.current(quantity_step).text
        alice.user.assert_no_new_events()


async def test_buttons_from_before_a_restart_still_work(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        categories = await alice.command("/order")
        await alice.open_form(2)
        await alice.type("instagram.com/restart")
        confirmation = await alice.type("100")
        await harness.restart()
        services = await alice.press(categories, "Instagram Likes (2)")
        assert "Instagram Likes · 2 services" in services.text
        await alice.user.press(confirmation, "✅ Confirm")
        await alice.user.expect_message("placed", kind="edited")
        assert sandbox.count("add") == 1


async def test_names_links_and_panel_messages_are_escaped(tmp_path: Path, sandbox: SandboxPanel) -> None:
    sandbox.service(1).name = 'Likes <b>&amp; "co" </i>'
    sandbox.service(1).category = "Cats & <Dogs>"
    sandbox.service(1).desc = "Fast & <cheap>"
    sandbox.service(2).category = "Cats & <Dogs>"
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        categories = await alice.command("/order")
        services = await alice.press(categories, "Cats & <Dogs> (2)")
        assert "Cats & <Dogs>" in services.text
        card = await alice.press(services, 'Likes <b>&amp; "co" </i>', partial=True)
        assert 'Likes <b>&amp; "co" </i>' in card.text and "Fast & <cheap>" in card.text
        await alice.press(card, "🛒 Order")
        await alice.type("https://x.com/<b>&")
        drip = await alice.type("100")
        confirmation = await alice.press(drip, "All at once")
        assert "Link: https://x.com/<b>&" in confirmation.text
        assert 'Likes <b>&amp; "co" </i>' in confirmation.text
        sandbox.inject(Fault.HTTP_4XX_ERROR, action="add")
        await alice.user.press(confirmation, "✅ Confirm")
        refused = await alice.user.expect_message("did not accept", kind="edited")
        assert re.search(r"It said: .+", refused.text)
        found = await alice.command("/order <b>&amp;")
        assert "found 1 service" in found.text and "<b>&amp;" in found.text
    # Leaving the harness fails the test if Telegram would have refused any message as bad HTML.


async def test_without_an_account_the_user_is_told_how_to_connect(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with BotHarness.start(tmp_path, panel=sandbox) as harness:
        alice = Walker(harness, ALICE)
        answer = await alice.command("/order")
        assert "/connect" in answer.text
        assert sandbox.count("services") == 0


async def test_the_menu_button_opens_the_catalog(tmp_path: Path, sandbox: SandboxPanel) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        menu = await alice.command("/start")
        categories = await alice.press(menu, "🛒 New order")
        assert "New order" in categories.text and "Instagram Followers (2)" in categories.button_texts


async def test_no_catalog_at_all_is_said_plainly(tmp_path: Path, sandbox: SandboxPanel) -> None:
    sandbox.inject(Fault.HTML_503, times=None, action="services")
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        answer = await alice.command("/order")
        assert "isn't responding" in answer.text
        sandbox.clear_faults()
        assert "New order" in (await alice.command("/order")).text
        # Once loaded, the catalog keeps serving while the panel is down.
        sandbox.inject(Fault.HTML_503, times=None, action="services")
        assert "New order" in (await alice.command("/order")).text


async def test_long_answers_never_make_a_message_telegram_refuses(tmp_path: Path, sandbox: SandboxPanel) -> None:
    sandbox.service(9).name = "N" * 3000
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        nothing = await alice.command("/order " + "word " * 800)
        assert "Nothing matches" in nothing.text
        await alice.open_form(9)
        await alice.type("instagram.com/" + "p" * 1900)
        await alice.type("100")
        await alice.type("\n".join(f"user{number} " + "u" * 200 for number in range(15)))
        confirmation = await alice.type("#" + "h" * 290)
        assert "Check your order" in confirmation.text and "…and 7 more" in confirmation.text
    # Leaving the harness fails the test if any message was over 4,096 characters.


async def test_an_edited_earlier_answer_is_not_taken_for_the_current_step(
    tmp_path: Path, sandbox: SandboxPanel
) -> None:
    async with running_bot(tmp_path, sandbox) as harness:
        alice = Walker(harness, ALICE)
        await alice.open_form(16)  # Subscriptions: username, least per post, most per post, posts, …
        await alice.type("@channel")
        await alice.type("100")
        most = await alice.user.send("1000")
        await alice.user.expect_message(contains="posts", kind="sent")

        await alice.user.edit(most, "500")  # meant as the most per post; the bot is at "posts"
        await alice.user.expect_message(contains="send the corrected text as a new message", kind="sent")
        draft = await services_of(harness).db.drafts.get(ALICE)
        assert draft is not None and draft.data["values"]["max"] == 1000 and "posts" not in draft.data["values"]

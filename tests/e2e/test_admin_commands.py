"""Admins find /stats and /resolve in /help and in their command menu; nobody else does."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.sandbox import SandboxPanel
from tests.e2e.order_walk_support import ADMIN_ID, ALICE, Walker, running_bot
from tests.support.fixtures import SANDBOX_API_KEY

ADMIN_CHAT = {"type": "chat", "chat_id": ADMIN_ID}
LANGUAGES = ("en", "ko", "ru")


def names(commands: list[tuple[str, str]]) -> list[str]:
    return [name for name, _description in commands]


async def test_help_lists_the_admin_commands_to_admins_only_in_their_language(tmp_path: Path) -> None:
    async with SandboxPanel(extra_services=0, seed=1) as panel:
        panel.add_account(SANDBOX_API_KEY, balance=Decimal("100"))
        async with running_bot(tmp_path, panel) as harness:
            admin = Walker(harness, ADMIN_ID)
            english = await admin.command("/help", contains="/order")
            assert "/stats" in english.text and "/resolve 12 failed" in english.text
            russian = await Walker(harness, ADMIN_ID + 1, language_code="ru").command("/help")
            assert "/stats" not in russian.text  # not an admin
            await harness.restart(admin_ids=f"{ADMIN_ID},{ADMIN_ID + 1}")
            russian = await Walker(harness, ADMIN_ID + 1, language_code="ru").command("/help")
            assert "Администрирование" in russian.text and "/stats" in russian.text
            alice = await Walker(harness, ALICE).command("/help")
            assert "/stats" not in alice.text and "/resolve" not in alice.text


async def test_admins_get_a_command_menu_with_the_admin_commands(tmp_path: Path) -> None:
    async with SandboxPanel(extra_services=0, seed=1) as panel:
        panel.add_account(SANDBOX_API_KEY, balance=Decimal("100"))
        # 9000 never opened the bot: Telegram answers "chat not found", which must not stop
        # the start or the menus of the admins after it (the harness fails on ERROR logs).
        async with running_bot(tmp_path, panel, admin_ids=f"9000,{ADMIN_ID}") as harness:
            fake = harness.fake
            for language in (None, *LANGUAGES):
                menu = names(fake.bot_commands(language, scope=ADMIN_CHAT))
                assert {"order", "help", "stats", "resolve"} <= set(menu), (language, menu)
                assert "stats" not in names(fake.bot_commands(language))  # everyone's menu
            russian = dict(fake.bot_commands("ru", scope=ADMIN_CHAT))
            english = dict(fake.bot_commands("en", scope=ADMIN_CHAT))
            assert russian["stats"] != english["stats"]  # each app language gets its own
            assert not fake.bot_commands(scope={"type": "chat", "chat_id": 9000})

            admin = Walker(harness, ADMIN_ID)
            picker = await admin.command("/language")
            await admin.press(picker, "Русский")
            # Whatever the admin's app language, the menu now follows the choice.
            await fake.wait_until(
                lambda: all(
                    dict(fake.bot_commands(language, scope=ADMIN_CHAT))["stats"] == russian["stats"]
                    for language in (None, *LANGUAGES)
                )
                or None,
                timeout=5,
            )


async def test_a_user_picking_a_language_gets_no_admin_commands(tmp_path: Path) -> None:
    async with SandboxPanel(extra_services=0, seed=1) as panel:
        panel.add_account(SANDBOX_API_KEY, balance=Decimal("100"))
        async with running_bot(tmp_path, panel) as harness:
            alice = Walker(harness, ALICE)
            picker = await alice.command("/language")
            await alice.press(picker, "한국어")
            alice_chat = {"type": "chat", "chat_id": ALICE}
            await harness.fake.wait_for_call("setMyCommands", scope=alice_chat)
            menu = names(harness.fake.bot_commands(scope=alice_chat))
            assert "order" in menu and "stats" not in menu

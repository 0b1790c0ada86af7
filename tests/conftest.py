"""Fixtures shared by every test package: the loopback fakes and the bot harness."""

pytest_plugins = ("tests.support.fixtures",)

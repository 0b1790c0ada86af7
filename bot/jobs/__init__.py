"""Job-queue pollers: order statuses, refills, low balance. `schedule_jobs` registers them."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import Application

from bot.jobs import balance_check, refill_poll, status_poll
from bot.jobs.poller import (
    BALANCE_POLLER,
    REFILL_POLLER,
    STATUS_POLLER,
    PollerState,
    polling_paused_since,
)

if TYPE_CHECKING:
    from bot.context import BotContext, Services

__all__ = ["JOB_CALLBACKS", "polling_paused_since", "schedule_jobs"]

JOB_CALLBACKS: dict[str, Callable[[BotContext], Coroutine[Any, Any, None]]] = {
    STATUS_POLLER: status_poll.run,
    REFILL_POLLER: refill_poll.run,
    BALANCE_POLLER: balance_check.run,
}


def schedule_jobs(application: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    """Register the pollers to run now and then every interval from the settings.

    Called at every start-up: the first run delivers what was due while the bot was down.
    """
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required for the pollers")
    intervals = {
        STATUS_POLLER: services.settings.status_poll_interval,
        REFILL_POLLER: services.settings.status_poll_interval,
        BALANCE_POLLER: services.settings.balance_check_interval,
    }
    for name, callback in JOB_CALLBACKS.items():
        for old in job_queue.get_jobs_by_name(name):
            old.schedule_removal()
        job_queue.run_repeating(
            callback,
            interval=intervals[name],
            first=0,
            name=name,
            data=PollerState(name),
            # Jobs added before the scheduler starts would otherwise wait a whole interval;
            # a run delayed by a busy loop still happens, once.
            job_kwargs={"next_run_time": datetime.now(UTC), "misfire_grace_time": None, "coalesce": True},
        )

"""The sandbox's services: a hand-written catalog covering every type, plus generated bulk."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.sandbox.service_types import SERVICE_TYPES, service_type

FIRST_GENERATED_ID = 1000


@dataclass
class Service:
    """One catalog entry; mutable so tests can change a price or limit between calls."""

    id: int
    name: str
    type: str
    category: str
    rate: Decimal
    min: int
    max: int
    refill: bool | None = None  # None: the panel leaves the key out
    cancel: bool | None = None
    dripfeed: bool = False
    desc: str | None = None


_BUILTIN: tuple[Service, ...] = (
    Service(
        1, "Instagram Followers [Refill 30D]", "Default", "Instagram Followers",
        Decimal("0.90"), 50, 10_000, refill=True, cancel=True, dripfeed=True,
        desc="Real-looking profiles. Start 0-1 h, up to 5K a day. 30 days refill.",
    ),
    Service(
        2, "Instagram Followers [No refill]", "default", "Instagram Followers",
        Decimal("0.35"), 100, 50_000, refill=False, cancel=False,
    ),
    Service(
        3, "Instagram Likes [Fast]", "Default", "Instagram Likes",
        Decimal("0.1234567"), 200, 1000,
    ),
    Service(
        4, "Instagram Story Views", "Story Views Beta", "Instagram Likes",
        Decimal("0.05"), 100, 20_000, cancel=True,
    ),
    Service(
        5, "Instagram Custom Comments", "Custom Comments", "Instagram Comments",
        Decimal("8"), 10, 1500, refill=False, cancel=True,
        desc="One comment per line; the number of lines is the quantity.",
    ),
    Service(
        6, "Instagram Comments Package [10 comments]", "Custom Comments Package",
        "Instagram Comments", Decimal("2.50"), 1, 1, refill=False, cancel=False,
    ),
    Service(
        7, "Instagram Comment Likes", "Comment Likes", "Instagram Comments",
        Decimal("1.10"), 50, 5000, refill=False, cancel=True,
    ),
    Service(
        8, "Instagram Mentions", "Mentions", "Instagram Mentions",
        Decimal("4.00"), 100, 10_000, refill=False, cancel=False,
    ),
    Service(
        9, "Instagram Mentions [Hashtags]", "Mentions with Hashtags", "Instagram Mentions",
        Decimal("4.50"), 100, 10_000, refill=False, cancel=False,
    ),
    Service(
        10, "Instagram Mentions [Custom list]", "Mentions Custom List", "Instagram Mentions",
        Decimal("5.00"), 10, 1000, refill=False, cancel=False,
    ),
    Service(
        11, "Instagram Mentions [Hashtag users]", "Mentions Hashtag", "Instagram Mentions",
        Decimal("3.75"), 100, 10_000,
    ),
    Service(
        12, "Instagram Mentions [User followers]", "Mentions User Followers",
        "Instagram Mentions", Decimal("3.90"), 100, 10_000,
    ),
    Service(
        13, "Instagram Mentions [Media likers]", "Mentions Media Likers", "Instagram Mentions",
        Decimal("3.90"), 100, 10_000,
    ),
    Service(
        14, "Telegram Members [Invites from groups]", "Invites from Groups", "Telegram",
        Decimal("3.20"), 100, 5000, refill=True, cancel=False,
    ),
    Service(
        15, "Telegram Poll Votes", "Poll", "Telegram",
        Decimal("0.80"), 50, 10_000, refill=False, cancel=True,
    ),
    Service(
        16, "Telegram Future Posts Views [Auto]", "Subscriptions", "Telegram",
        Decimal("0.12"), 100, 50_000, refill=False, cancel=True,
        desc="Views on new posts for the chosen number of posts.",
    ),
    Service(
        17, "YouTube Views [Lifetime refill]", "Default", "YouTube",
        Decimal("1.80"), 500, 1_000_000, refill=True, cancel=True, dripfeed=True,
    ),
    Service(
        18, "Website Traffic [Worldwide]", "Web Traffic", "Website Traffic",
        Decimal("0.45"), 1000, 1_000_000, refill=False, cancel=True, dripfeed=True,
    ),
    Service(
        19, "Google Backlinks", "SEO", "SEO",
        Decimal("2.00"), 100, 10_000, refill=False, cancel=False,
    ),
    Service(
        20, "Instagram Growth Package [Starter]", "Package", "Packages",
        Decimal("14.99"), 1, 1, refill=False, cancel=False,
        desc="1K followers, 5K likes and 10K views, delivered over a week.",
    ),
    Service(
        21, "TikTok Views [Cheap]", "Default", "TikTok",
        Decimal("0.0105"), 100, 10_000_000, cancel=True, dripfeed=True,
    ),
)

_PLATFORMS = (
    "Instagram", "TikTok", "YouTube", "Telegram", "Facebook", "X (Twitter)", "Spotify",
    "Twitch", "Discord", "LinkedIn", "Threads", "SoundCloud", "Pinterest", "Reddit", "Kick",
    "VK", "Snapchat", "Quora", "Website", "Google Maps",
)
_PRODUCTS = (
    "Followers", "Likes", "Views", "Comments", "Shares", "Saves", "Reactions", "Members",
    "Live Viewers", "Reviews",
)
_CATEGORIES = tuple(f"{platform} {product}" for platform in _PLATFORMS for product in _PRODUCTS)
_SERVICES_PER_CATEGORY = 25
_QUALITIES = ("Real", "HQ", "Mixed", "Bots", "Premium", "Targeted")
_SPEEDS = ("Instant", "1K/day", "10K/day", "Slow", "Gradual", "Super fast")
_MINIMUMS = (10, 20, 50, 100, 500, 1000)
# Mostly Default, the way real catalogs are; every other type shows up now and then.
_TYPE_WEIGHTS = {service_type.name: 1 for service_type in SERVICE_TYPES} | {"Default": 60}


def builtin_services() -> list[Service]:
    """Fresh copies of the hand-written catalog (ids below 1000)."""
    return [replace(service) for service in _BUILTIN]


def generate_services(count: int, seed: int) -> list[Service]:
    """Make `count` plausible services (ids from 1000) across up to 200 categories."""
    rng = random.Random(seed)
    categories = _CATEGORIES[: max(1, -(-count // _SERVICES_PER_CATEGORY))]
    type_names = list(_TYPE_WEIGHTS)
    weights = list(_TYPE_WEIGHTS.values())
    services = []
    for index in range(count):
        category = categories[index * len(categories) // count]
        type_name = rng.choices(type_names, weights)[0]
        form = service_type(type_name)
        if form.is_package:
            minimum, maximum = 1, 1
        elif form.counts_lines:
            minimum, maximum = rng.choice((1, 5, 10)), rng.choice((100, 500, 1000))
        else:
            minimum = rng.choice(_MINIMUMS)
            maximum = minimum * rng.choice((10, 100, 1000, 10_000))
        services.append(
            Service(
                id=FIRST_GENERATED_ID + index,
                name=f"{category} [{rng.choice(_QUALITIES)}] [{rng.choice(_SPEEDS)}] #{index}",
                type=type_name,
                category=category,
                rate=Decimal(rng.randint(10, 5_000_000)).scaleb(-5),
                min=minimum,
                max=maximum,
                refill=rng.choice((True, False, None)),
                cancel=rng.choice((True, False, None)),
                dripfeed=form.dripfeed and rng.random() < 0.5,
                desc=f"Start: {rng.randint(0, 24)} h." if rng.random() < 0.3 else None,
            )
        )
    return services


def build_catalog(extra_services: int, seed: int) -> list[Service]:
    """The built-in catalog followed by `extra_services` generated ones."""
    return builtin_services() + generate_services(extra_services, seed)

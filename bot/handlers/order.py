"""The order walk in Telegram: /order, the catalog's buttons, the form's steps, confirm, submit.

Thin: the form and the submit live in `bot.services.ordering`, texts in `bot.views.order`,
and docs/order-flow.md draws the walk. Buttons edit their message in place; answers typed
in the chat get new messages. Buttons are answered before any panel call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.account import take_key, tell_key_refused
from bot.handlers.dialogs import DialogRouter, dialog_of
from bot.handlers.replies import Tap, show
from bot.i18n import Html
from bot.panel import FieldKind, PanelError, Service
from bot.services.accounts import AccountAccess, access_for_user
from bot.services.alerts import check_balance
from bot.services.catalog import Catalog, CatalogKeyRefused, CatalogUnavailable
from bot.services.keys import looks_like_pasted_key
from bot.services.ordering import (
    DIALOG,
    STEP_CONFIRM,
    STEP_DRIPFEED,
    STEP_SEARCH,
    AlreadySubmitted,
    Ambiguous,
    CannotVerify,
    FieldError,
    OrderDraft,
    Placed,
    Problem,
    Rejected,
    ServiceGone,
    TermsChanged,
    find_submitted,
    first_gap,
    form_fields,
    form_steps,
    is_optional,
    is_supported,
    next_step,
    order_price,
    previous_step,
    read_answer,
    repeat_values,
    state_of,
    step_of,
    submit,
    today_utc,
)
from bot.services.unknown_orders import tell_admins
from bot.storage import Draft, Order, parse_id
from bot.views import callbacks
from bot.views.common import Screen, panel_message
from bot.views.order import (
    BACK,
    CANCEL,
    CATEGORIES_PER_PAGE,
    CHANGE,
    CONFIRM,
    EDIT,
    FOUND,
    NOOP,
    PICK,
    REVIEW,
    SERVICES_PER_PAGE,
    SKIP,
    START,
    Funds,
    already_submitted_screen,
    ambiguous_screen,
    categories_screen,
    confirmation_screen,
    edit_screen,
    paginate,
    placed_screen,
    prompt_screen,
    rejected_screen,
    search_screen,
    service_card,
    services_screen,
    terms_changed_notice,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Walk:
    """What every step needs: whose account, its catalog, and its currency if known."""

    access: AccountAccess
    catalog: Catalog
    currency: str | None


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _open_walk(update: Update, context: BotContext, tap: Tap | None) -> Walk | None:
    """Find the user's account and its catalog; say what is missing when there is none."""
    services = context.services
    access = await access_for_user(services.db, services.settings, _user_id(update))
    if access is None:
        if tap is not None:
            await tap.ack()
        await show(update, context, Screen(context.tr("order-no-account")), edit=False)
        return None
    catalog = services.catalogs.peek(access.account.id, access.key)
    if catalog is None:
        if tap is not None:
            await tap.ack()  # the catalog comes from the panel: answer the button first
        try:
            catalog = await services.catalogs.get(access.account.id, access.key)
        except CatalogKeyRefused as refused:
            await tell_key_refused(update, context, access, refused.message, edit=False)
            return None
        except CatalogUnavailable as error:
            log.warning("no catalog to show: %s", error.message)
            await show(update, context, Screen(context.tr("error-panel-unavailable")), edit=False)
            return None
    currency = access.account.currency
    if currency is None:
        if tap is not None:
            await tap.ack()
        currency = (await _funds(context, access)).currency
    return Walk(access, catalog, currency)


async def _funds(context: BotContext, access: AccountAccess) -> Funds:
    """Ask the panel for the balance (storing it); fall back to the last one known."""
    try:
        balance = await context.services.panel.balance(access.key)
    except PanelError as error:
        log.info("balance unavailable, using the stored one: %s", error.message)
        return Funds(access.account.currency, access.account.balance)
    await context.services.db.accounts.set_balance(access.account.id, balance.amount, balance.currency)
    return Funds(balance.currency, balance.amount)


async def _load_form(context: BotContext, user_id: int) -> tuple[Draft, OrderDraft] | None:
    """The user's order form, or None when their draft is not one."""
    draft = await context.services.db.drafts.get(user_id)
    if draft is None or dialog_of(draft.state) != DIALOG:
        return None
    form = OrderDraft.from_data(draft.data)
    return None if form is None else (draft, form)


# --- browsing -------------------------------------------------------------------------------


async def order_command(update: Update, context: BotContext) -> None:
    """Opens the catalog, a service (`/order 4242`) or a search (`/order likes`)."""
    words = " ".join(context.args or []).strip()
    if looks_like_pasted_key(words):
        await take_key(update, context, words)
        return
    walk = await _open_walk(update, context, None)
    if walk is None:
        return
    service_id = parse_id(words)
    # The walk begins: from now on, words typed in the chat search the catalog.
    await _begin_browsing(context, _user_id(update), "" if service_id is not None else words)
    if service_id is not None:
        service = walk.catalog.service(service_id)
        if service is None:
            await show(update, context, Screen(context.tr("order-service-not-found", id=words)), edit=False)
        else:
            await _show_card(update, context, walk, service, edit=False)
    elif words:
        await _show_search(update, context, walk, words, 0, edit=False)
    else:
        await _show_categories(update, context, walk, 0, edit=False)


async def menu_order(update: Update, context: BotContext) -> None:
    """Opens the catalog from the main menu."""
    assert update.callback_query is not None
    tap = Tap(update.callback_query)
    walk = await _open_walk(update, context, tap)
    if walk is not None:
        await tap.ack()
        await _begin_browsing(context, _user_id(update))
        await _show_categories(update, context, walk, 0, edit=True)


async def _begin_browsing(context: BotContext, user_id: int, query: str = "") -> None:
    """Enter the walk (leaving any other dialog): typed words search the catalog."""
    await context.services.db.drafts.start(user_id, state_of(STEP_SEARCH), {"query": query})


async def _show_categories(update: Update, context: BotContext, walk: Walk, page: int, *, edit: bool) -> None:
    if not walk.catalog.categories:
        await show(update, context, Screen(context.tr("order-catalog-empty")), edit=edit)
        return
    shown = paginate(walk.catalog.categories, page, CATEGORIES_PER_PAGE)
    assert shown is not None
    await show(update, context, categories_screen(context.tr, walk.catalog, shown), edit=edit)


async def _show_search(
    update: Update, context: BotContext, walk: Walk, query: str, page: int, *, edit: bool
) -> None:
    matches = walk.catalog.search(query)
    shown = paginate(matches, min(page, max(0, (len(matches) - 1) // SERVICES_PER_PAGE)), SERVICES_PER_PAGE)
    assert shown is not None
    await show(update, context, search_screen(context.tr, query, shown, len(matches), walk.currency), edit=edit)


async def _show_card(update: Update, context: BotContext, walk: Walk, service: Service, *, edit: bool) -> None:
    category = walk.catalog.category_of(service)
    await show(update, context, service_card(context.tr, service, category, walk.currency), edit=edit)


async def categories_page(update: Update, context: BotContext) -> None:
    """Shows a page of categories (`cats:<page>`)."""
    assert update.callback_query is not None
    tap = Tap(update.callback_query)
    data = callbacks.unpack(update.callback_query.data)
    page = data.int_part(0) if data else None
    walk = await _open_walk(update, context, tap)
    if walk is None:
        return
    if page is None or paginate(walk.catalog.categories, page, CATEGORIES_PER_PAGE) is None:
        await tap.notice(context, "error-stale-button")
        return
    await tap.ack()
    await _show_categories(update, context, walk, page, edit=True)


async def category_services(update: Update, context: BotContext) -> None:
    """Shows a page of one category's services (`cat:<index>:<page>`)."""
    assert update.callback_query is not None
    tap = Tap(update.callback_query)
    data = callbacks.unpack(update.callback_query.data)
    index, page = (data.int_part(0), data.int_part(1)) if data else (None, None)
    walk = await _open_walk(update, context, tap)
    if walk is None:
        return
    category = walk.catalog.category(index) if index is not None else None
    shown = paginate(category.services, page, SERVICES_PER_PAGE) if category and page is not None else None
    if category is None or shown is None:
        await tap.notice(context, "error-stale-button")
        return
    await tap.ack()
    categories_page_number = walk.catalog.categories.index(category) // CATEGORIES_PER_PAGE
    screen = services_screen(context.tr, category, shown, categories_page_number, walk.currency)
    await show(update, context, screen, edit=True)


async def service_details(update: Update, context: BotContext) -> None:
    """Shows a service's card (`svc:<id>`)."""
    assert update.callback_query is not None
    tap = Tap(update.callback_query)
    data = callbacks.unpack(update.callback_query.data)
    service_id = data.int_part(0) if data else None
    walk = await _open_walk(update, context, tap)
    if walk is None:
        return
    service = walk.catalog.service(service_id) if service_id is not None else None
    if service is None:
        await tap.notice(context, "error-stale-button")
        return
    await tap.ack()
    await _show_card(update, context, walk, service, edit=True)


# --- the form -------------------------------------------------------------------------------


async def _ask(
    update: Update,
    context: BotContext,
    walk: Walk,
    service: Service,
    form: OrderDraft,
    step: str,
    *,
    edit: bool,
    error: FieldError | None = None,
    notice: Html | None = None,
    new_draft: bool = False,
) -> None:
    """Show the step (the confirmation once the form is complete) and remember where we are.

    A new draft gets a new token, so confirmations of earlier forms no longer work.
    """
    if step == STEP_CONFIRM:
        await _show_confirmation(update, context, walk.access, service, form, edit=edit, notice=notice)
        return
    drafts = context.services.db.drafts
    await (drafts.start if new_draft else drafts.save)(_user_id(update), state_of(step), form.to_data())
    screen = prompt_screen(context.tr, service, form, step, error=error, today=today_utc())
    if notice is not None:
        screen = Screen(Html(notice + "\n\n" + screen.text), screen.keyboard)
    await show(update, context, screen, edit=edit)


async def _show_confirmation(
    update: Update,
    context: BotContext,
    access: AccountAccess,
    service: Service,
    form: OrderDraft,
    *,
    edit: bool,
    notice: Html | None = None,
) -> None:
    """Show the order with its price; a new token makes every older confirmation stale."""
    funds = await _funds(context, access)
    form = form.requoted(service, access.account.id)
    draft = await context.services.db.drafts.start(_user_id(update), state_of(STEP_CONFIRM), form.to_data())
    price = order_price(service, form.values)
    screen = confirmation_screen(context.tr, service, form, price, funds, draft.token, notice=notice)
    await show(update, context, screen, edit=edit)


async def on_text(update: Update, context: BotContext, draft: Draft) -> None:
    """Reads a typed answer: search words, or the field the form is at."""
    message = update.effective_message
    assert message is not None and message.text is not None
    step = step_of(draft.state)
    if step == STEP_SEARCH and looks_like_pasted_key(message.text.strip()):
        # A key pasted while browsing: never searched for, shown back or kept in the draft.
        await take_key(update, context, message.text)
        return
    walk = await _open_walk(update, context, None)
    if walk is None:
        return
    if step == STEP_SEARCH:
        await _begin_browsing(context, _user_id(update), message.text.strip())
        await _show_search(update, context, walk, message.text.strip(), 0, edit=False)
        return
    form = OrderDraft.from_data(draft.data)
    service = walk.catalog.service(form.service_id) if form is not None else None
    if form is None or service is None:
        await context.services.db.drafts.clear(_user_id(update))
        await show(update, context, Screen(context.tr("order-service-gone")), edit=False)
        return
    if step == STEP_DRIPFEED:
        await _ask(update, context, walk, service, form, step, edit=False, error=FieldError(Problem.USE_BUTTONS))
        return
    form_field = form_fields(service).get(step)
    if form_field is None:  # the confirmation (or a step this service no longer has)
        await show(update, context, Screen(context.tr("order-use-buttons")), edit=False)
        return
    answer = read_answer(service, form_field, message.text, form.values, today_utc())
    if isinstance(answer, FieldError):
        await _ask(update, context, walk, service, form, step, edit=False, error=answer)
        return
    form = form.answered(step, answer)
    # An edited answer may spoil a later one (the least per post above the most): ask that next.
    step, error = first_gap(service, form.values, today_utc()) or (STEP_CONFIRM, None)
    await _ask(update, context, walk, service, form, step, edit=False, error=error)


async def on_walk_button(update: Update, context: BotContext) -> None:
    """Handles the walk's own buttons (`ow:<action>[:<arg>…]`)."""
    query = update.callback_query
    assert query is not None
    tap = Tap(query)
    data = callbacks.unpack(query.data)
    action = data.part(0) if data else None
    if data is None or action is None:
        await tap.notice(context, "error-stale-button")
        return
    if action == NOOP:
        await tap.ack()
        return
    if action == CANCEL:
        await _cancel(update, context, tap)
        return
    walk = await _open_walk(update, context, tap)
    if walk is None:
        return
    if action == START:
        await _start_form(update, context, tap, walk, data.int_part(1))
    elif action == FOUND:
        await _search_page(update, context, tap, walk, data.int_part(1))
    elif action == CONFIRM:
        await _confirm(update, context, tap, walk, data.part(1) or "")
    else:
        await _form_button(update, context, tap, walk, action, data.parts[1:])


async def _cancel(update: Update, context: BotContext, tap: Tap) -> None:
    """Leaves the walk (another dialog the user has since begun is left alone)."""
    user_id = _user_id(update)
    draft = await context.services.db.drafts.get(user_id)
    if draft is not None and dialog_of(draft.state) == DIALOG:
        await context.services.db.drafts.clear(user_id)
    await tap.ack()
    await show(update, context, Screen(context.tr("cancel-done")), edit=True)


async def _start_form(update: Update, context: BotContext, tap: Tap, walk: Walk, service_id: int | None) -> None:
    service = walk.catalog.service(service_id) if service_id is not None else None
    if service is None or not is_supported(service):
        await tap.notice(context, "error-stale-button")
        return
    await tap.ack()
    form = OrderDraft.start(service)
    await _ask(update, context, walk, service, form, next_step(service, form.values), edit=True, new_draft=True)


async def _search_page(update: Update, context: BotContext, tap: Tap, walk: Walk, page: int | None) -> None:
    draft = await context.services.db.drafts.get(_user_id(update))
    query = draft.data.get("query") if draft is not None and draft.state == state_of(STEP_SEARCH) else None
    if not isinstance(query, str) or not query or page is None:
        await tap.notice(context, "error-stale-button")
        return
    await tap.ack()
    await _show_search(update, context, walk, query, page, edit=True)


async def _form_button(
    update: Update, context: BotContext, tap: Tap, walk: Walk, action: str, args: tuple[str, ...]
) -> None:
    """Back, Skip, a choice, Edit, a field to change, or Review: only on the step on screen."""
    loaded = await _load_form(context, _user_id(update))
    service = walk.catalog.service(loaded[1].service_id) if loaded is not None else None
    # Step buttons name the step they were shown at; the others belong to the confirmation.
    shown_at = (args[0] if args else None) if action in (BACK, SKIP, PICK) else STEP_CONFIRM
    if loaded is None or service is None or shown_at is None or loaded[0].state != state_of(shown_at):
        await tap.notice(context, "error-stale-button")
        return
    form = loaded[1]
    optional = shown_at in form_fields(service) and is_optional(form_fields(service)[shown_at])
    picked = _picked(service, shown_at, args[1:]) if action == PICK else None
    changed = args[0] if action == CHANGE and args and args[0] in form_steps(service, form.values) else None
    if action == BACK:
        await tap.ack()
        previous = previous_step(service, form.values, shown_at)
        if previous is None:
            await _begin_browsing(context, _user_id(update))
            await _show_card(update, context, walk, service, edit=True)
        else:
            await _ask(update, context, walk, service, form, previous, edit=True)
    elif (action == SKIP and optional) or picked is not None:
        await tap.ack()
        form = form.answered(shown_at, picked)
        await _ask(update, context, walk, service, form, next_step(service, form.values), edit=True)
    elif action == EDIT:
        await tap.ack()
        await show(update, context, edit_screen(context.tr, service, form), edit=True)
    elif changed is not None:
        await tap.ack()
        await _ask(update, context, walk, service, form, changed, edit=True)
    elif action == REVIEW:
        await tap.ack()
        await _show_confirmation(update, context, walk.access, service, form, edit=True)
    else:
        await tap.notice(context, "error-stale-button")


def _picked(service: Service, step: str, args: tuple[str, ...]) -> str | bool | None:
    """The value a choice button stands for, or None when it is not one this step offers."""
    if len(args) != 1:
        return None
    if step == STEP_DRIPFEED:
        return {"1": True, "0": False}.get(args[0])
    form_field = form_fields(service).get(step)
    if form_field is None or form_field.kind is not FieldKind.CHOICE:
        return None
    return args[0] if any(choice.value == args[0] for choice in form_field.choices) else None


# --- submitting -----------------------------------------------------------------------------


async def _confirm(update: Update, context: BotContext, tap: Tap, walk: Walk, token: str) -> None:
    """Places the confirmed order once, whatever happens to the button afterwards."""
    db = context.services.db
    user_id = _user_id(update)
    loaded = await _load_form(context, user_id)
    if loaded is None or loaded[0].token != token or loaded[0].state != state_of(STEP_CONFIRM):
        # A second press (double tap, an old message): say what became of the first.
        earlier = await find_submitted(db, user_id, token) if token else None
        if earlier is None:
            await tap.notice(context, "error-stale-button")
        else:
            await tap.notice(context, "order-already-submitted", number=earlier.id)
        return
    form = loaded[1]
    await tap.ack()
    # The buttons go at once: the panel may take a while, and nothing here should be pressed again.
    await show(update, context, Screen(context.tr("order-submitting")), edit=True)
    result = await submit(
        db=db,
        panel=context.services.panel,
        catalogs=context.services.catalogs,
        access=walk.access,
        user_id=user_id,
        draft=form,
        token=token,
        currency=walk.currency,
    )
    tr = context.tr
    match result:
        case Placed(order):
            will_notify = context.user.settings.hears_status_changes
            await show(update, context, placed_screen(tr, order, will_notify=will_notify), edit=True)
        case Rejected(order, message):
            # Nothing was placed: keep the form (with a new token) so Edit can fix it.
            await db.drafts.start(user_id, state_of(STEP_CONFIRM), form.to_data())
            await show(update, context, rejected_screen(tr, message), edit=True)
            # A refusal often means the money ran out: let the low-balance check look now.
            await check_balance(context.services, context.bot, walk.access.account)
        case Ambiguous(order, message):
            await show(update, context, ambiguous_screen(tr, order), edit=True)
            await _tell_admins(update, context, order, message)
        case AlreadySubmitted(order):
            await show(update, context, already_submitted_screen(tr, order), edit=True)
        case TermsChanged(service, changed, account_changed):
            notice = terms_changed_notice(tr, service, walk.currency, account_changed=account_changed)
            step, error = first_gap(service, changed.values, today_utc()) or (STEP_CONFIRM, None)
            await _ask(update, context, walk, service, changed, step, edit=True, error=error, notice=notice)
        case ServiceGone():
            await db.drafts.clear(user_id)
            await show(update, context, Screen(tr("order-service-gone")), edit=True)
        case CannotVerify(message) if context.services.catalogs.key_refused(walk.access.account.id):
            # Nothing was sent; pressing Confirm again would meet the same refusal.
            await db.drafts.clear(user_id)
            await tell_key_refused(update, context, walk.access, message, edit=True)
        case CannotVerify(message):
            shown = walk.catalog.service(form.service_id)
            notice = tr("order-cannot-verify", message=panel_message(message))
            if shown is None:
                await show(update, context, Screen(notice), edit=True)
            else:
                await _show_confirmation(update, context, walk.access, shown, form, edit=True, notice=notice)


async def _tell_admins(update: Update, context: BotContext, order: Order, message: str) -> None:
    """Ask every admin to check an order whose outcome is unknown, naming who placed it."""
    user = update.effective_user
    assert user is not None
    label = f"{user.full_name} (@{user.username}, {user.id})" if user.username else f"{user.full_name} ({user.id})"
    await tell_admins(context.services, context.bot, order, label, message)


async def show_confirmation_for_repeat(update: Update, context: BotContext, order: Order) -> None:
    """Start a new form from a stored order and show its confirmation (or the step to fix).

    For "Order again" on the order card: the caller answers its button first; this sends
    new messages and leaves the card as it is.
    """
    walk = await _open_walk(update, context, None)
    if walk is None:
        return
    service = walk.catalog.service(order.service.service_id)
    if service is None or not is_supported(service):
        await show(update, context, Screen(context.tr("order-service-gone")), edit=False)
        return
    form = OrderDraft.start(service, repeat_values(service, order))
    step, error = first_gap(service, form.values, today_utc()) or (STEP_CONFIRM, None)
    await _ask(update, context, walk, service, form, step, edit=False, error=error, new_draft=True)


def register(application: Application, router: DialogRouter) -> None:
    """Attach /order, the catalog's and the walk's buttons, and the typed steps."""
    application.add_handler(CommandHandler("order", order_command))
    application.add_handler(CallbackQueryHandler(menu_order, pattern=callbacks.exact(callbacks.MENU, "order")))
    application.add_handler(CallbackQueryHandler(categories_page, pattern=callbacks.pattern(callbacks.CATEGORY_PAGE)))
    application.add_handler(CallbackQueryHandler(category_services, pattern=callbacks.pattern(callbacks.CATEGORY)))
    application.add_handler(CallbackQueryHandler(service_details, pattern=callbacks.pattern(callbacks.SERVICE)))
    application.add_handler(CallbackQueryHandler(on_walk_button, pattern=callbacks.pattern(callbacks.ORDER_STEP)))
    router.add(DIALOG, on_text)

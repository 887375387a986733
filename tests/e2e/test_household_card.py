"""The bundled household card on the develop instance: every appliance, and a new one at once."""

from __future__ import annotations

from pathlib import Path
import time

from playwright.sync_api import Browser, Page, expect
import pytest

from .conftest import (
    DevelopInstance,
    add_appliance,
    first_visit,
    in_page,
    log_in,
    page_entry_id,
    subentries,
)

CARD = "price-optimizer-household-card"
NEW_APPLIANCE = "Washing machine"
# Up to this width the card stacks each row (card/src/household-card.js, its container query).
NARROW_CARD_PX = 560
# The demo appliances scripts/provision.py adds, by name and the start of their entity ids.
DEMO = {"Dishwasher": "dishwasher", "EV charger": "ev_charger"}


def _open_overview(
    browser: Browser, instance: DevelopInstance, width: int, *, cold: bool = False
) -> Page:
    page = first_visit(browser, instance, width) if cold else log_in(browser, instance, width)
    page.goto(f"{instance.url}/price-optimizer/overview")
    # Playwright's CSS selectors go through shadow roots.
    expect(page.locator(f"{CARD} .appliance").first).to_be_attached(timeout=30_000)
    return page


def _state_becomes(instance: DevelopInstance, entity_id: str, wanted: str) -> bool:
    deadline = time.monotonic() + 10
    while instance.get(f"/api/states/{entity_id}")["state"] != wanted:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _photograph(page: Page, path: Path) -> None:
    """Save the card as a person sees it: clear of the toolbar and the pointer, fully drawn."""
    card = page.locator(CARD)
    page.mouse.move(0, 0)
    card.evaluate("(card) => card.scrollIntoView({block: 'center'})")
    expect(card.locator(".appliance .name").first).to_be_visible()
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    path.parent.mkdir(exist_ok=True)
    card.screenshot(path=path)


def _names(page: Page) -> list[str]:
    return list(page.locator(f"{CARD} .appliance .name").all_inner_texts())


def test_the_household_card_follows_appliances_added_and_removed_in_the_ui(
    card_instance: DevelopInstance, browser: Browser
) -> None:
    page = _open_overview(browser, card_instance, 1280)
    try:
        entry_id = page_entry_id(page)
        names = sorted(subentries(page, entry_id))
        expect(page.locator(f"{CARD} .appliance")).to_have_count(len(names))
        assert _names(page) == names
        assert set(DEMO) <= set(names)

        states = {state["entity_id"]: state for state in card_instance.get("/api/states")}
        for name, key in DEMO.items():
            row = page.locator(f"{CARD} .appliance", has_text=name)
            start = states[f"sensor.{key}_next_start"]["state"]
            if start not in ("unknown", "unavailable"):
                next_run = row.locator(".next-run")
                expect(next_run).to_have_attribute("data-start", start)
                expect(next_run).to_have_attribute(
                    "data-end", states[f"sensor.{key}_next_end"]["state"]
                )
            planned_cost = float(states[f"sensor.{key}_planned_cost"]["state"])
            expect(row.locator(".planned-cost")).to_contain_text(f"{planned_cost:.2f}")
            expect(row.get_by_role("switch")).to_be_checked()

        assert NEW_APPLIANCE not in names
        added_at = time.monotonic()
        result = add_appliance(page, entry_id, "washing_machine")
        assert result["type"] == "create_entry", result
        new_row = page.locator(f"{CARD} .appliance", has_text=NEW_APPLIANCE)
        # Shown on the open page, without a reload, once its entities are registered.
        expect(new_row).to_be_attached(timeout=30_000)
        shown_after_s = time.monotonic() - added_at
        assert _names(page) == sorted([*names, NEW_APPLIANCE])
        expect(new_row.locator(".status")).not_to_have_text("\N{EN DASH}", timeout=30_000)

        device_id = new_row.get_attribute("data-device")
        entities = in_page(
            page,
            "return Object.fromEntries(Object.values(hass.entities)"
            ".filter((entity) => entity.device_id === arg)"
            ".map((entity) => [entity.translation_key, entity.entity_id]));",
            device_id,
        )
        in_page(
            page,
            "window.addEventListener('hass-more-info', (ev) => {"
            " window.moreInfoAsked = ev.detail.entityId; }, {capture: true});",
        )
        new_row.locator(".name").click()
        assert page.evaluate("() => window.moreInfoAsked") == entities["status"]
        dialog = page.locator("ha-more-info-dialog")
        expect(dialog).to_contain_text(NEW_APPLIANCE, timeout=10_000)
        page.keyboard.press("Escape")
        expect(dialog.get_by_text(NEW_APPLIANCE).first).to_be_hidden(timeout=10_000)

        switch = new_row.get_by_role("switch")
        expect(switch).to_be_checked()
        # Tapped where a person taps: the switch's drawn control covers its input.
        new_row.locator("ha-switch").click()
        expect(switch).not_to_be_checked(timeout=10_000)
        # The switch flips at the tap; the entity follows once the action has run.
        assert _state_becomes(card_instance, entities["automatic_control"], "off")
        new_row.locator("ha-switch").click()
        expect(switch).to_be_checked(timeout=10_000)
        assert _state_becomes(card_instance, entities["automatic_control"], "on")

        _photograph(page, card_instance.artifact("household_card_1280.png"))
        card_instance.artifact("household_card_shown_after_s.txt").write_text(
            f"{shown_after_s:.2f}\n"
        )

        in_page(
            page,
            "await hass.callWS({type: 'config_entries/subentries/delete',"
            " entry_id: arg[0], subentry_id: arg[1]});",
            [entry_id, subentries(page, entry_id)[NEW_APPLIANCE]],
        )
        expect(new_row).to_have_count(0, timeout=30_000)
        assert _names(page) == names
    finally:
        page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_household_card_fits_a_phone_and_a_desktop(
    card_instance: DevelopInstance, browser: Browser, width: int
) -> None:
    # A phone or a new browser opens it with nothing cached: the card must appear all the same.
    page = _open_overview(browser, card_instance, width, cold=True)
    try:
        card = page.locator(CARD)
        row = page.locator(f"{CARD} .appliance").first
        box = card.bounding_box()
        assert box is not None
        assert box["width"] <= width
        # Nothing runs out of the card sideways.
        overflow = card.evaluate(
            "(card) => { const inner = card.shadowRoot.querySelector('.appliances');"
            " return inner.scrollWidth - inner.clientWidth; }"
        )
        assert overflow <= 0
        head = row.locator(".head").bounding_box()
        figures = row.locator(".figures").bounding_box()
        assert head is not None
        assert figures is not None
        # The layout follows the card's own width, not the window's: in a column as narrow as
        # a phone's the figures go below the name, on a wide card beside it.
        if box["width"] <= NARROW_CARD_PX:
            assert figures["y"] >= head["y"] + head["height"] - 1
        else:
            assert figures["x"] >= head["x"] + head["width"] - 1
        _photograph(page, card_instance.artifact(f"household_card_layout_{width}.png"))
    finally:
        page.close()

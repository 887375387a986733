// The household card drawn in a DOM (happy-dom) with a fake `hass` whose registries change.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { GlobalRegistrator } from "@happy-dom/global-registrator";

const TAG = "price-optimizer-household-card";

/** The registry entries and states of one appliance, as Home Assistant holds them. */
function appliance(key, name, { entry = "entry1", status = "scheduled", start, end, control = "on" } = {}) {
  const deviceId = `device_${key}`;
  const entities = {};
  const states = {};
  const add = (domain, translationKey, state, attributes = {}) => {
    const entityId = `${domain}.${key}_${translationKey}`;
    entities[entityId] = { entity_id: entityId, device_id: deviceId, platform: "price_optimizer", translation_key: translationKey };
    states[entityId] = { entity_id: entityId, state, attributes };
  };
  add("sensor", "status", status, { device_class: "enum" });
  add("sensor", "next_start", start ?? "unknown", { device_class: "timestamp" });
  add("sensor", "next_end", end ?? "unknown", { device_class: "timestamp" });
  add("sensor", "planned_cost", "0.3658", { unit_of_measurement: "EUR" });
  add("sensor", "expected_savings", "0.4113", { unit_of_measurement: "EUR" });
  add("sensor", "realised_savings", "1.5", { unit_of_measurement: "EUR" });
  add("binary_sensor", "run_now", "off");
  add("switch", "automatic_control", control);
  return { devices: { [deviceId]: { id: deviceId, name, config_entries: [entry] } }, entities, states };
}

/** A `hass` holding the given appliances, the entry's own service device, and someone else's light. */
function fakeHass(appliances, calls = []) {
  const hass = {
    language: "en",
    locale: { language: "en", time_zone: "server", time_format: "24" },
    config: { time_zone: "Europe/Berlin" },
    devices: { hub: { id: "hub", name: "Replay DE-LU", config_entries: ["entry1"] }, lamp: { id: "lamp", name: "Lamp", config_entries: ["other"] } },
    entities: {
      "sensor.replay_de_lu_current_price": { entity_id: "sensor.replay_de_lu_current_price", device_id: "hub", platform: "price_optimizer", translation_key: "current_price" },
      "light.lamp": { entity_id: "light.lamp", device_id: "lamp", platform: "hue", translation_key: "status" },
    },
    states: { "sensor.replay_de_lu_current_price": { state: "0.1", attributes: {} }, "light.lamp": { state: "on", attributes: {} } },
    async callService(domain, service, data) {
      calls.push([domain, service, data]);
    },
  };
  for (const one of appliances) {
    Object.assign(hass.devices, one.devices);
    Object.assign(hass.entities, one.entities);
    Object.assign(hass.states, one.states);
  }
  return hass;
}

const DISHWASHER = () =>
  appliance("dishwasher", "Dishwasher", { start: "2026-11-25T02:00:00+00:00", end: "2026-11-25T04:00:00+00:00" });
const EV = () => appliance("ev_charger", "EV charger", { status: "blocked", control: "off" });

before(async () => {
  GlobalRegistrator.register({ url: "http://localhost/", width: 800, height: 600 });
  await import("../src/index.js");
});

after(async () => {
  document.body.innerHTML = "";
  await GlobalRegistrator.unregister();
});

async function mount(hass, config = { entry: "entry1" }) {
  const card = document.createElement(TAG);
  card.setConfig({ type: `custom:${TAG}`, ...config });
  card.hass = hass;
  document.body.append(card);
  await card.updateComplete;
  return card;
}

const rows = (card) => [...card.shadowRoot.querySelectorAll(".appliance")];
const names = (card) => rows(card).map((row) => row.querySelector(".name").textContent);
const text = (row, selector) => row.querySelector(selector).textContent.replace(/\s+/g, " ").trim();

test("the household card is listed for the card picker and has an editor", () => {
  assert.ok(window.customCards.some((card) => card.type === TAG));
  assert.ok(window.customCards.some((card) => card.type === "price-optimizer-plan-card"));
  assert.equal(customElements.get(TAG).getConfigElement().localName, `${TAG}-editor`);
});

test("each appliance of the entry shows its status, next run, cost, savings and control", async () => {
  const card = await mount(fakeHass([DISHWASHER(), EV()]));
  assert.deepEqual(names(card), ["Dishwasher", "EV charger"]);
  const [dishwasher, ev] = rows(card);
  assert.equal(text(dishwasher, ".status"), "Scheduled");
  // 02:00 to 04:00 UTC is 03:00 to 05:00 in Berlin, the server's zone the profile asks for.
  assert.equal(text(dishwasher, ".next-run"), "Wed 03:00–05:00");
  assert.equal(text(dishwasher, ".planned-cost"), "€0.37");
  assert.equal(text(dishwasher, ".expected-savings"), "€0.41");
  assert.equal(text(dishwasher, ".realised-savings"), "€1.50");
  assert.equal(dishwasher.querySelector("ha-switch").checked, true);
  assert.equal(text(ev, ".status"), "Blocked");
  assert.equal(text(ev, ".next-run"), "Nothing planned");
  assert.equal(ev.querySelector("ha-switch").checked, false);
});

test("the states are shown as Home Assistant formats them where it can", async () => {
  const hass = fakeHass([DISHWASHER()]);
  hass.formatEntityState = (state) => `«${state.state}»`;
  const [row] = rows(await mount(hass));
  assert.equal(text(row, ".status"), "«scheduled»");
  assert.equal(text(row, ".planned-cost"), "«0.3658»");
});

test("an appliance added or removed in the registries shows or goes on the next update", async () => {
  const card = await mount(fakeHass([DISHWASHER(), EV()]));
  card.hass = fakeHass([DISHWASHER(), EV(), appliance("heat_pump", "Heat pump")]);
  await card.updateComplete;
  assert.deepEqual(names(card), ["Dishwasher", "EV charger", "Heat pump"]);
  card.hass = fakeHass([EV(), appliance("heat_pump", "Heat pump")]);
  await card.updateComplete;
  assert.deepEqual(names(card), ["EV charger", "Heat pump"]);
});

test("only the configured entry's appliances are shown; without one, every entry's", async () => {
  const other = appliance("pool_pump", "Pool pump", { entry: "entry2" });
  assert.deepEqual(names(await mount(fakeHass([DISHWASHER(), other]))), ["Dishwasher"]);
  assert.deepEqual(names(await mount(fakeHass([DISHWASHER(), other]), {})), ["Dishwasher", "Pool pump"]);
});

test("the toggle switches automatic control through the switch's actions, not the row", async () => {
  const calls = [];
  const card = await mount(fakeHass([DISHWASHER(), EV()], calls));
  let opened = 0;
  card.addEventListener("hass-more-info", () => {
    opened += 1;
  });
  const [dishwasher, ev] = rows(card);
  dishwasher.querySelector("ha-switch").dispatchEvent(new Event("change", { bubbles: true }));
  ev.querySelector("ha-switch").dispatchEvent(new Event("change", { bubbles: true }));
  ev.querySelector(".control").dispatchEvent(new Event("click", { bubbles: true }));
  assert.deepEqual(calls, [
    ["switch", "turn_off", { entity_id: "switch.dishwasher_automatic_control" }],
    ["switch", "turn_on", { entity_id: "switch.ev_charger_automatic_control" }],
  ]);
  assert.equal(opened, 0);
});

test("tapping a row, or Enter on it, opens the more-info dialog of its status", async () => {
  const card = await mount(fakeHass([DISHWASHER(), EV()]));
  const opened = [];
  document.body.addEventListener("hass-more-info", (ev) => opened.push(ev.detail.entityId));
  const [dishwasher, ev] = rows(card);
  dishwasher.dispatchEvent(new Event("click"));
  ev.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
  assert.deepEqual(opened, ["sensor.dishwasher_status", "sensor.ev_charger_status"]);
});

test("without appliances the card says how to add one; a title replaces its header", async () => {
  const card = await mount(fakeHass([]), { entry: "entry1", title: "Household" });
  assert.equal(card.shadowRoot.querySelector("ha-card").header, "Household");
  assert.match(card.shadowRoot.textContent, /No appliances yet/);
});

test("every language of the cards holds every text the household card shows", async () => {
  const { STRINGS, localize } = await import("../src/strings.js");
  const { HOUSEHOLD_SCHEMA } = await import("../src/household-editor.js");
  const keys = [
    ...Object.keys(STRINGS.en).filter((key) => key.startsWith("household.") || key.startsWith("status.")),
    ...HOUSEHOLD_SCHEMA.map((field) => `editor.${field.name}`),
    "no_runs",
  ];
  assert.ok(keys.length >= 14);
  for (const [language, table] of Object.entries(STRINGS)) {
    for (const key of keys) {
      assert.ok(table[key], `${language} lacks ${key}`);
      assert.equal(localize(language, key), table[key]);
    }
  }
});

test("the household editor offers the entry and the title, and leaves empty values out", async () => {
  const editor = document.createElement(`${TAG}-editor`);
  editor.hass = fakeHass([]);
  editor.setConfig({ type: `custom:${TAG}` });
  document.body.append(editor);
  await editor.updateComplete;
  const form = editor.shadowRoot.querySelector("ha-form");
  assert.deepEqual(form.schema.map((field) => field.name), ["entry", "title"]);
  assert.deepEqual(form.schema[0].selector, { config_entry: { integration: "price_optimizer" } });
  assert.equal(form.computeLabel({ name: "entry" }), "Price Optimizer entry (empty: every entry)");
  let changed;
  editor.addEventListener("config-changed", (ev) => {
    changed = ev.detail.config;
  });
  form.dispatchEvent(new CustomEvent("value-changed", { detail: { value: { entry: "entry1", title: "" } } }));
  assert.deepEqual(changed, { type: `custom:${TAG}`, entry: "entry1" });
});

// The card drawn in a DOM (happy-dom) with a fake `hass`: what it asks for, and what it shows.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { GlobalRegistrator } from "@happy-dom/global-registrator";

const T0 = Date.parse("2026-11-24T04:00:00+00:00");
const HOUR = 3_600_000;
const iso = (hours) => new Date(T0 + hours * HOUR).toISOString();

function forecastResponse() {
  const slots = [];
  for (let h = 0; h < 12; h += 1) {
    const forecast = h >= 8;
    slots.push({
      start: iso(h),
      end: iso(h + 1),
      price: 0.1 + h / 100,
      origin: forecast ? "forecast" : "market",
      ...(forecast ? { lower: 0.05 + h / 100, upper: 0.15 + h / 100 } : {}),
    });
  }
  return { currency: "EUR", unit: "EUR/kWh", known_until: iso(8), slots };
}

function planResponse(evStart = 3) {
  return {
    created_at: iso(0),
    currency: "EUR",
    household_limit_kw: 11,
    planned_cost: 1.3,
    baseline_cost: 1.6,
    savings: 0.3,
    plans: [
      {
        appliance_id: "ev",
        name: "EV charger",
        status: "scheduled",
        window_start: iso(0),
        due: iso(10),
        runs: [{ start: iso(evStart), end: iso(evStart + 2), power_kw: 7.4, energy_kwh: 14.8, cost: 1.2345 }],
        planned_cost: 1.2345,
        baseline_cost: 1.5,
        savings: 0.2655,
        issue: null,
      },
      {
        appliance_id: "dw",
        name: "Dishwasher",
        status: "blocked",
        window_start: iso(6),
        due: iso(11),
        runs: [],
        planned_cost: null,
        baseline_cost: null,
        savings: null,
        issue: { code: "awaiting_prices", placeholders: { appliance: "Dishwasher" } },
      },
    ],
    appliances: [
      { appliance_id: "ev", name: "EV charger", status: "scheduled" },
      { appliance_id: "dw", name: "Dishwasher", status: "blocked" },
    ],
  };
}

function fakeHass(state) {
  return {
    language: "en",
    locale: { language: "en", time_zone: "server", time_format: "24" },
    config: { time_zone: "Europe/Berlin" },
    states: { "sensor.ev_charger_next_start": { last_updated: state.updated } },
    entities: { "sensor.ev_charger_next_start": { entity_id: "sensor.ev_charger_next_start", platform: "price_optimizer", device_id: "d1" } },
    devices: { d1: { config_entries: ["entry1"] } },
    calls: state.calls,
    async callWS(message) {
      state.calls.push(message);
      if (message.type !== "call_service") throw new Error(`unexpected ${message.type}`);
      if (message.service === "get_plan") return { response: state.plan };
      if (message.service === "get_forecast") return { response: forecastResponse() };
      throw new Error(message.service);
    },
    async loadBackendTranslation() {
      return (key, values) => (key.endsWith("awaiting_prices.message") ? `${values.appliance} waits for prices` : "");
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

before(async () => {
  GlobalRegistrator.register({ url: "http://localhost/", width: 800, height: 600 });
  await import("../src/index.js");
});

after(async () => {
  document.body.innerHTML = "";
  await GlobalRegistrator.unregister();
});

async function mount(state, config = { config_entry: "entry1" }) {
  const card = document.createElement("price-optimizer-plan-card");
  card.setConfig({ type: "custom:price-optimizer-plan-card", ...config });
  card.hass = fakeHass(state);
  document.body.append(card);
  await card.updateComplete;
  await settle();
  await card.updateComplete;
  return card;
}

test("the card is listed for the card picker and has an editor", async () => {
  assert.ok(window.customCards.some((card) => card.type === "price-optimizer-plan-card"));
  const Card = customElements.get("price-optimizer-plan-card");
  assert.equal(Card.getConfigElement().localName, "price-optimizer-plan-card-editor");
});

test("the card asks the integration's actions for the plan and the forecast", async () => {
  const state = { calls: [], plan: planResponse(), updated: "1" };
  await mount(state, { config_entry: "entry1", hours_ahead: 24 });
  const services = state.calls.map((call) => [call.service, call.service_data, call.return_response]);
  assert.deepEqual(services, [
    ["get_plan", { config_entry: "entry1" }, true],
    ["get_forecast", { config_entry: "entry1", hours_ahead: 24, include_bands: true }, true],
  ]);
});

test("runs are drawn at get_plan's times with their cost, forecast apart from market", async () => {
  const state = { calls: [], plan: planResponse(), updated: "1" };
  const card = await mount(state);
  const root = card.shadowRoot;
  const chart = root.querySelector("svg.chart");
  assert.equal(chart.dataset.from, iso(0));
  assert.equal(chart.dataset.to, iso(12));
  const runs = [...root.querySelectorAll(".run")];
  assert.equal(runs.length, 1);
  assert.equal(runs[0].dataset.start, iso(3));
  assert.equal(runs[0].dataset.end, iso(5));
  assert.match(runs[0].getAttribute("aria-label"), /EV charger 08:00–10:00/);
  const rect = runs[0].querySelector("rect");
  // Width 600 - 16 padding: the timeline runs from x=44 to x=576 over 12 hours.
  const width = card._width;
  const perHour = (width - 8 - 44) / 12;
  assert.ok(Math.abs(Number(rect.getAttribute("x")) - (44 + 3 * perHour)) < 0.01);
  assert.ok(Math.abs(Number(rect.getAttribute("width")) - 2 * perHour) < 0.01);
  assert.deepEqual(
    [...root.querySelectorAll("path.price")].map((path) => path.dataset.origin),
    ["market", "forecast"],
  );
  assert.ok(root.querySelector("path.band").getAttribute("d").startsWith("M"));
  assert.ok(root.querySelector("line.limit"));
  assert.match(root.querySelector(".lane[data-appliance=dw] .lane-name").textContent, /Dishwasher · Not planned/);
});

test("tapping a run shows its start, end, cost and savings; a blocked one its reason", async () => {
  const state = { calls: [], plan: planResponse(), updated: "1" };
  const card = await mount(state);
  const root = card.shadowRoot;
  root.querySelector(".run").dispatchEvent(new Event("click"));
  await card.updateComplete;
  const details = root.querySelector(".details").textContent.replace(/\s+/g, " ");
  assert.match(details, /EV charger/);
  assert.match(details, /Start ?Tue 08:00/);
  assert.match(details, /End ?Tue 10:00/);
  assert.match(details, /€1\.2345/);
  assert.match(details, /Savings ?€0\.2655/);
  root.querySelector("rect.blocked").dispatchEvent(new Event("click"));
  await card.updateComplete;
  assert.match(root.querySelector(".details").textContent, /Dishwasher waits for prices/);
});

test("a change of the entry's entities fetches the plan again and moves the run", async () => {
  const state = { calls: [], plan: planResponse(3), updated: "1" };
  const card = await mount(state);
  state.plan = planResponse(6);
  state.updated = "2";
  card.hass = fakeHass(state);
  await new Promise((resolve) => setTimeout(resolve, 600));
  await card.updateComplete;
  assert.equal(state.calls.filter((call) => call.service === "get_plan").length, 2);
  assert.equal(card.shadowRoot.querySelector(".run").dataset.start, iso(6));
});

test("without a plan yet the card says why", async () => {
  const state = { calls: [], plan: null, updated: "1" };
  const card = document.createElement("price-optimizer-plan-card");
  card.setConfig({ config_entry: "entry1" });
  const hass = fakeHass(state);
  hass.callWS = async () => {
    throw { code: "service_validation_error", message: "No plan has been made for Replay yet." };
  };
  card.hass = hass;
  document.body.append(card);
  await settle();
  await card.updateComplete;
  assert.match(card.shadowRoot.textContent, /No plan yet: No plan has been made for Replay yet\./);
});

test("the page's first card marks when it was attached and when it first drew a plan", async () => {
  const state = { calls: [], plan: planResponse(), updated: "1" };
  await mount(state);
  const connected = performance.getEntriesByName("price-optimizer-plan-card:connected");
  const rendered = performance.getEntriesByName("price-optimizer-plan-card:first-render");
  assert.equal(connected.length, 1);
  assert.equal(rendered.length, 1);
  assert.ok(rendered[0].startTime >= connected[0].startTime);
});

test("a change while the actions answer is fetched once they have", async () => {
  const state = { calls: [], plan: planResponse(3), updated: "1" };
  const card = await mount(state);
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  // Each answer is the plan as it was when asked, given only once the gate opens.
  const gated = () => {
    const hass = fakeHass(state);
    const answer = hass.callWS.bind(hass);
    hass.callWS = async (message) => {
      const response = await answer(message);
      await gate;
      return response;
    };
    return hass;
  };
  state.updated = "2";
  card.hass = gated();
  await new Promise((resolve) => setTimeout(resolve, 500));
  state.plan = planResponse(7);
  state.updated = "3";
  card.hass = gated();
  await new Promise((resolve) => setTimeout(resolve, 500));
  release();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await card.updateComplete;
  const asked = state.calls.filter((call) => call.service === "get_plan").length;
  assert.equal(asked, 3);
  assert.equal(card.shadowRoot.querySelector(".run").dataset.start, iso(7));
});

test("the editor offers the entry and what to show, and leaves defaults out", async () => {
  const editor = document.createElement("price-optimizer-plan-card-editor");
  editor.hass = fakeHass({ calls: [], plan: null, updated: "1" });
  editor.setConfig({ type: "custom:price-optimizer-plan-card" });
  document.body.append(editor);
  await editor.updateComplete;
  const form = editor.shadowRoot.querySelector("ha-form");
  assert.deepEqual(
    form.schema.map((field) => field.name),
    ["config_entry", "title", "hours_ahead", "show_appliances", "show_forecast", "show_load"],
  );
  assert.deepEqual(form.schema[0].selector, { config_entry: { integration: "price_optimizer" } });
  assert.equal(form.computeLabel({ name: "show_load" }), "Show planned load and household limit");
  let changed;
  editor.addEventListener("config-changed", (ev) => {
    changed = ev.detail.config;
  });
  form.dispatchEvent(
    new CustomEvent("value-changed", {
      detail: { value: { ...form.data, config_entry: "entry1", show_load: false, title: "" } },
    }),
  );
  assert.deepEqual(changed, {
    type: "custom:price-optimizer-plan-card",
    config_entry: "entry1",
    show_load: false,
  });
});

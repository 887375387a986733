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

// An hourly balance over the forecast's 12 hours: solar at midday, the battery charging
// from it and discharging in the evening; without a battery, stored energy and mode are null.
function energyBlock({ battery = true } = {}) {
  const slots = [];
  for (let h = 0; h < 12; h += 1) {
    const batteryKw = battery ? [0, 0, 2, 2, 0, -3, -3, 0, 0, 0, 0, 0][h] : 0;
    slots.push({
      start: iso(h),
      end: iso(h + 1),
      import_price: 0.3,
      export_price: 0.08,
      grid_import_kwh: h === 5 ? 0.25 : 1,
      grid_export_kwh: h === 3 ? 0.5 : 0,
      solar_kwh: h >= 2 && h <= 4 ? 3 : 0,
      curtailed_kwh: 0,
      base_kwh: 0.5,
      appliances_kwh: 0,
      charge_kwh: Math.max(batteryKw, 0),
      discharge_kwh: Math.max(-batteryKw, 0),
      battery_kw: batteryKw,
      stored_kwh: battery ? [2, 2, 4, 6, 6, 3, 0, 0, 0, 0, 0, 0][h] : null,
      mode: battery ? (batteryKw > 0 ? "charge_solar" : batteryKw < 0 ? "discharge" : "self_consumption") : null,
    });
  }
  return {
    bill: 1.1,
    bill_without_battery: 1.4,
    battery_saving: battery ? 0.3 : null,
    solar_slots_known: 12,
    battery_capacity_kwh: battery ? 8 : null,
    end_stored_kwh: battery ? 0 : null,
    slots,
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
    ["config_entry", "title", "hours_ahead", "show_appliances", "show_forecast", "show_load", "show_energy"],
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

test("a plan with solar and a battery draws their lanes at the slots' times", async () => {
  const state = { calls: [], plan: { ...planResponse(), energy: energyBlock() }, updated: "1" };
  const card = await mount(state);
  const root = card.shadowRoot;
  const perHour = (card._width - 8 - 44) / 12;
  const xOf = (hours) => Math.round((44 + hours * perHour) * 10) / 10;
  // Solar: 3 kWh in an hour is 3 kW, from 06:00 to 09:00 local (hours 2 to 4).
  const solar = root.querySelector("path.solar").getAttribute("d");
  assert.deepEqual(
    [...solar.matchAll(/M([\d.]+) /g)].map((m) => Number(m[1])),
    [xOf(2), xOf(3), xOf(4)],
  );
  const battery = root.querySelector("path.battery").getAttribute("d");
  assert.deepEqual(
    [...battery.matchAll(/M([\d.]+) /g)].map((m) => Number(m[1])),
    [xOf(2), xOf(3), xOf(5), xOf(6)],
  );
  // Charging goes up from the battery lane's zero line, discharging down.
  const bars = [...battery.matchAll(/M[\d.]+ ([\d.]+)V([\d.]+)/g)].map((m) => Number(m[2]) - Number(m[1]));
  assert.ok(bars[0] < 0 && bars[1] < 0 && bars[2] > 0 && bars[3] > 0);
  // The state of charge is at each slot's end: 6 of 8 kWh is 75 % after hour 3.
  const soc = root.querySelector("path.soc").getAttribute("d");
  const points = [...soc.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(points.length, 12);
  assert.deepEqual(points.map(([px]) => px), Array.from({ length: 12 }, (_, h) => xOf(h + 1)));
  const empty = points[6][1];
  const charged = points[3][1];
  assert.ok(empty > charged, "an empty battery is drawn below a charged one");
  const slots = [...root.querySelectorAll("rect.energy-slot")];
  assert.deepEqual(slots.map((rect) => rect.dataset.start), Array.from({ length: 12 }, (_, h) => iso(h)));
  assert.ok(Math.abs(Number(slots[5].getAttribute("x")) - (44 + 5 * perHour)) < 0.01);
  const legend = root.querySelector(".legend").textContent;
  assert.match(legend, /Expected solar/);
  assert.match(legend, /Battery power/);
  assert.match(legend, /State of charge/);
});

test("tapping an energy slot shows its balance as the plan gives it", async () => {
  const state = { calls: [], plan: { ...planResponse(), energy: energyBlock() }, updated: "1" };
  const card = await mount(state);
  const root = card.shadowRoot;
  root.querySelectorAll("rect.energy-slot")[5].dispatchEvent(new Event("click"));
  await card.updateComplete;
  const details = root.querySelector(".details").textContent.replace(/\s+/g, " ");
  assert.match(details, /Energy balance 10:00–11:00/);
  assert.match(details, /From the grid ?0\.25 kWh/);
  assert.match(details, /To the grid ?0 kWh/);
  assert.match(details, /Battery power ?-3 kW/);
  assert.match(details, /Stored ?3 kWh/);
  assert.match(details, /State of charge ?38 %/);
  assert.match(details, /Battery ?Discharging by the plan/);
});

test("without a battery only the solar is drawn; without energy, or hidden, none of it", async () => {
  const solarOnly = await mount({ calls: [], plan: { ...planResponse(), energy: energyBlock({ battery: false }) }, updated: "1" });
  assert.ok(solarOnly.shadowRoot.querySelector("path.solar"));
  assert.equal(solarOnly.shadowRoot.querySelector("path.battery"), null);
  assert.equal(solarOnly.shadowRoot.querySelector("path.soc"), null);
  assert.doesNotMatch(solarOnly.shadowRoot.querySelector(".legend").textContent, /Battery power|State of charge/);

  const plain = await mount({ calls: [], plan: planResponse(), updated: "1" });
  for (const selector of ["path.solar", "path.battery", "path.soc", "rect.energy-slot"]) {
    assert.equal(plain.shadowRoot.querySelector(selector), null, selector);
  }
  assert.doesNotMatch(plain.shadowRoot.querySelector(".legend").textContent, /Expected solar/);

  const hidden = await mount(
    { calls: [], plan: { ...planResponse(), energy: energyBlock() }, updated: "1" },
    { config_entry: "entry1", show_energy: false },
  );
  for (const selector of ["path.solar", "path.battery", "path.soc", "rect.energy-slot"]) {
    assert.equal(hidden.shadowRoot.querySelector(selector), null, selector);
  }
  const plainHeight = Number(plain.shadowRoot.querySelector("svg.chart").getAttribute("height"));
  const hiddenHeight = Number(hidden.shadowRoot.querySelector("svg.chart").getAttribute("height"));
  // Solar shares the load's panel: only a battery adds lanes.
  const shownHeight = Number(solarOnly.shadowRoot.querySelector("svg.chart").getAttribute("height"));
  assert.equal(hiddenHeight, plainHeight);
  assert.equal(shownHeight, plainHeight);
});

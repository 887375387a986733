import assert from "node:assert/strict";
import { test } from "node:test";

import {
  bandPath,
  barsPath,
  energySeries,
  hourTicks,
  lanes,
  loadPath,
  loadSteps,
  priceRange,
  runBar,
  segmentsByOrigin,
  socPath,
  stepPath,
  timeScale,
  timeSpan,
  valueScale,
} from "../src/layout.js";
import { zoneOffsetMinutes } from "../src/format.js";
import { localize } from "../src/strings.js";

const T0 = Date.parse("2026-11-24T04:00:00+00:00");
const HOUR = 3_600_000;
const iso = (hours) => new Date(T0 + hours * HOUR).toISOString();
const slot = (hour, price, extra = {}) => ({ start: iso(hour), end: iso(hour + 1), price, origin: "market", ...extra });

test("time maps linearly onto the drawing area and stays inside it", () => {
  const x = timeScale(T0, T0 + 10 * HOUR, 40, 540);
  assert.equal(x(T0), 40);
  assert.equal(x(T0 + 5 * HOUR), 290);
  assert.equal(x(T0 + 10 * HOUR), 540);
  assert.equal(x(T0 - HOUR), 40);
  assert.equal(x(T0 + 11 * HOUR), 540);
});

test("larger values are drawn higher up", () => {
  const y = valueScale(0, 10, 0, 100);
  assert.equal(y(0), 100);
  assert.equal(y(10), 0);
  assert.equal(y(2.5), 75);
});

test("the price range holds every band edge and zero when prices go negative", () => {
  const range = priceRange([slot(0, -0.02), slot(1, 0.1, { lower: 0.05, upper: 0.3 })]);
  assert.ok(range.min < -0.02);
  assert.ok(range.max > 0.3);
  assert.deepEqual(priceRange([]), { min: 0, max: 1 });
  const flat = priceRange([slot(0, 0.2), slot(1, 0.2)]);
  assert.ok(flat.min < 0.2 && flat.max > 0.2);
});

test("the timeline spans the slots the forecast action returned", () => {
  const span = timeSpan([slot(0, 0.1), slot(1, 0.2), slot(2, 0.3)], T0 + 600_000, 36);
  assert.deepEqual(span, { start: T0, end: T0 + 3 * HOUR });
  assert.deepEqual(timeSpan([], T0, 2), { start: T0, end: T0 + 2 * HOUR });
});

test("market and forecast prices are separate segments that meet without a gap", () => {
  const slots = [slot(0, 0.1), slot(1, 0.2), slot(2, 0.3, { origin: "forecast" }), slot(3, 0.2, { origin: "forecast" })];
  const segments = segmentsByOrigin(slots);
  assert.deepEqual(
    segments.map((s) => [s.origin, s.slots.length]),
    [
      ["market", 2],
      ["forecast", 2],
    ],
  );
  assert.equal(segments[0].slots.at(-1).end, segments[1].slots[0].start);
});

test("a step line holds each price from its slot's start to its end", () => {
  const x = timeScale(T0, T0 + 2 * HOUR, 0, 200);
  const y = valueScale(0, 1, 0, 100);
  assert.equal(stepPath([slot(0, 0.5), slot(1, 0.25)], x, y), "M0 50H100V75H200");
  // A gap in the slots starts a new line rather than bridging it.
  assert.equal(stepPath([slot(0, 0.5), slot(1.5, 0.25)], timeScale(T0, T0 + 2.5 * HOUR, 0, 250), y), "M0 50H100M150 75H250");
});

test("the band goes along the upper edges and back along the lower ones", () => {
  const x = timeScale(T0, T0 + 2 * HOUR, 0, 200);
  const y = valueScale(0, 1, 0, 100);
  const slots = [
    slot(0, 0.5),
    slot(1, 0.5, { origin: "forecast", lower: 0.25, upper: 0.75 }),
  ];
  assert.equal(bandPath(slots, x, y), "M100 25H200V75H100Z");
  const two = [
    slot(0, 0.5, { lower: 0.4, upper: 0.6 }),
    slot(1, 0.5, { lower: 0.3, upper: 0.7 }),
  ];
  assert.equal(bandPath(two, x, y), "M0 40H100V30H200V70H100V60H0Z");
});

const PLAN = {
  currency: "EUR",
  household_limit_kw: 11,
  plans: [
    {
      appliance_id: "dw",
      name: "Dishwasher",
      status: "running",
      window_start: iso(-2),
      due: iso(10),
      runs: [{ start: iso(-1), end: iso(1), power_kw: 1.5, energy_kwh: 3, cost: 0.4 }],
      savings: 0.1,
      issue: null,
    },
    {
      appliance_id: "dw",
      name: "Dishwasher",
      status: "blocked",
      window_start: iso(10),
      due: iso(34),
      runs: [],
      issue: { code: "awaiting_prices", placeholders: {} },
    },
    {
      appliance_id: "ev",
      name: "EV charger",
      status: "scheduled",
      window_start: iso(0),
      due: iso(8),
      runs: [
        { start: iso(3), end: iso(4), power_kw: 7.4, energy_kwh: 7.4, cost: 0.9 },
        { start: iso(0), end: iso(1), power_kw: 7.4, energy_kwh: 7.4, cost: 1.1 },
      ],
      issue: null,
    },
  ],
  appliances: [
    { appliance_id: "ev", name: "EV charger", status: "scheduled" },
    { appliance_id: "dw", name: "Dishwasher", status: "running" },
    { appliance_id: "washer", name: "Washing machine", status: "idle" },
  ],
};

test("each appliance has one lane, in get_plan's order, with its runs in time order", () => {
  const rows = lanes(PLAN);
  assert.deepEqual(
    rows.map((lane) => lane.name),
    ["EV charger", "Dishwasher", "Washing machine"],
  );
  assert.deepEqual(
    rows[0].runs.map((run) => run.start),
    [iso(0), iso(3)],
  );
  assert.equal(rows[1].runs[0].status, "running");
  assert.equal(rows[1].blocked.length, 1);
  assert.equal(rows[1].blocked[0].issue.code, "awaiting_prices");
  assert.deepEqual(rows[2].runs, []);
  assert.deepEqual(lanes(undefined), []);
});

test("a run's bar sits at its times, and is cut at the timeline's edges", () => {
  const x = timeScale(T0, T0 + 10 * HOUR, 0, 1000);
  assert.deepEqual(runBar({ start: iso(3), end: iso(4) }, x), { x: 300, width: 100 });
  assert.deepEqual(runBar({ start: iso(-1), end: iso(1) }, x), { x: 0, width: 100 });
  assert.equal(runBar({ start: iso(11), end: iso(12) }, x), null);
});

test("the planned load stacks the runs' power between their starts and ends", () => {
  const steps = loadSteps(PLAN.plans);
  assert.deepEqual(steps, [
    { start: T0 - HOUR, end: T0, kw: 1.5 },
    { start: T0, end: T0 + HOUR, kw: 8.9 },
    { start: T0 + 3 * HOUR, end: T0 + 4 * HOUR, kw: 7.4 },
  ]);
  const x = timeScale(T0 - HOUR, T0 + 4 * HOUR, 0, 500);
  const y = valueScale(0, 10, 0, 100);
  assert.equal(loadPath(steps.slice(0, 1), x, y), "M0 100V85H100V100Z");
});

test("hour ticks fall on whole local hours and never crowd", () => {
  // 05:00 in Berlin is 04:00 UTC in November: a tick every 6 h over 24 h at most 5 ticks.
  const ticks = hourTicks(T0 + 30 * 60_000, T0 + 24 * HOUR, 5, 60);
  assert.equal(ticks.length, 4);
  for (const t of ticks) assert.equal((new Date(t).getUTCHours() + 1) % 6, 0);
  const hourly = hourTicks(T0, T0 + 3 * HOUR, 10, 0);
  assert.deepEqual(hourly, [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
});

test("the zone's offset follows daylight saving time", () => {
  assert.equal(zoneOffsetMinutes("Europe/Berlin", Date.parse("2026-11-24T04:00:00Z")), 60);
  assert.equal(zoneOffsetMinutes("Europe/Berlin", Date.parse("2026-07-01T04:00:00Z")), 120);
  assert.equal(zoneOffsetMinutes("Asia/Kolkata", Date.parse("2026-07-01T04:00:00Z")), 330);
});

test("texts come in the user's language, English when there is no table for it", () => {
  assert.equal(localize("en", "limit_value", { kw: 11 }), "Limit 11 kW");
  assert.equal(localize("xx", "now"), "Now");
  assert.equal(localize("en-GB", "now"), "Now");
  assert.equal(localize("en", "missing.key"), "missing.key");
});

test("the timeline names the day at local midnight", async () => {
  const { formatWeekday, isLocalMidnight } = await import("../src/format.js");
  // Midnight in Berlin is 23:00 UTC in winter and 22:00 UTC in summer.
  assert.ok(isLocalMidnight(Date.parse("2026-11-24T23:00:00Z"), "Europe/Berlin"));
  assert.ok(isLocalMidnight(Date.parse("2026-07-01T22:00:00Z"), "Europe/Berlin"));
  assert.ok(!isLocalMidnight(Date.parse("2026-11-24T00:00:00Z"), "Europe/Berlin"));
  const clock = { language: "en", timeZone: "Europe/Berlin" };
  assert.equal(formatWeekday(Date.parse("2026-11-24T23:00:00Z"), clock), "Wed");
});

// Quarter-hour slots, as the energy plan has them on a 15-minute market.
const energySlot = (quarter, extra = {}) => ({
  start: new Date(T0 + quarter * 900_000).toISOString(),
  end: new Date(T0 + (quarter + 1) * 900_000).toISOString(),
  solar_kwh: 0,
  battery_kw: 0,
  stored_kwh: null,
  mode: null,
  ...extra,
});

test("the energy plan's slots become kW of solar, the battery's kW and its charge in %", () => {
  const plan = {
    energy: {
      solar_slots_known: 2,
      battery_capacity_kwh: 10,
      slots: [
        energySlot(0, { solar_kwh: 0.5, battery_kw: 2, stored_kwh: 4.5, mode: "charge_solar" }),
        energySlot(1, { solar_kwh: 0.25, battery_kw: -4, stored_kwh: 3.5, mode: "discharge" }),
      ],
    },
  };
  const series = energySeries(plan);
  assert.deepEqual(
    series.slots.map((s) => [s.start, s.end, s.solarKw, s.batteryKw, s.socPercent]),
    [
      [T0, T0 + 900_000, 2, 2, 45],
      [T0 + 900_000, T0 + 1_800_000, 1, -4, 35],
    ],
  );
  assert.equal(series.slots[1].slot, plan.energy.slots[1]);
  assert.deepEqual([series.hasSolar, series.hasBattery, series.hasSoc], [true, true, true]);
});

test("without a battery there is no battery power nor charge; without energy no series at all", () => {
  const plan = { energy: { solar_slots_known: 1, battery_capacity_kwh: null, slots: [energySlot(0, { solar_kwh: 1 })] } };
  const series = energySeries(plan);
  assert.deepEqual([series.hasSolar, series.hasBattery, series.hasSoc], [true, false, false]);
  assert.equal(series.slots[0].batteryKw, null);
  assert.equal(series.slots[0].socPercent, null);
  assert.equal(energySeries({ plans: [] }), null);
  assert.equal(energySeries(undefined), null);
  assert.equal(energySeries({ energy: { slots: [] } }), null);
});

test("energy bars go up or down from zero over their slot's time; the charge runs through slot ends", () => {
  const x = timeScale(T0, T0 + HOUR, 0, 400);
  const y = valueScale(-5, 5, 0, 100);
  const series = energySeries({
    energy: {
      solar_slots_known: 0,
      battery_capacity_kwh: 10,
      slots: [
        energySlot(0, { battery_kw: 5, stored_kwh: 5 }),
        energySlot(1, { battery_kw: 0, stored_kwh: 5 }),
        energySlot(2, { battery_kw: -2.5, stored_kwh: 2.5 }),
        energySlot(4, { battery_kw: 5, stored_kwh: 5 }),
      ],
    },
  });
  // A slot outside the timeline draws nothing; an idle one neither.
  assert.equal(barsPath(series.slots, "batteryKw", x, y), "M0 50V0H100V50ZM200 50V75H300V50Z");
  const pct = valueScale(0, 100, 0, 100);
  assert.equal(socPath(series.slots, x, pct), "M100 50L200 50L300 75");
});

// Pure layout: where things go on the timeline. Every number drawn comes from the
// integration's actions; these functions only place them (and stack the runs' power).

const HOUR = 3_600_000;

/** Milliseconds since the epoch of an ISO timestamp, or NaN. */
export function ms(iso) {
  return iso == null ? Number.NaN : Date.parse(iso);
}

/** A linear map from time (ms) to x, clamped to the drawing area. */
export function timeScale(startMs, endMs, x0, x1) {
  const span = Math.max(endMs - startMs, 1);
  const scale = (t) => {
    const x = x0 + ((t - startMs) / span) * (x1 - x0);
    return Math.min(Math.max(x, x0), x1);
  };
  scale.start = startMs;
  scale.end = endMs;
  scale.x0 = x0;
  scale.x1 = x1;
  return scale;
}

/** A linear map from a value to y, the larger value higher up. */
export function valueScale(min, max, yTop, yBottom) {
  const span = max - min || 1;
  return (v) => yBottom - ((v - min) / span) * (yBottom - yTop);
}

/** The range of prices to show: every price and band edge, and zero when prices go negative. */
export function priceRange(slots) {
  let min = Infinity;
  let max = -Infinity;
  for (const slot of slots) {
    for (const v of [slot.price, slot.lower, slot.upper]) {
      if (typeof v === "number" && Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  if (min === Infinity) return { min: 0, max: 1 };
  if (min < 0) max = Math.max(max, 0);
  if (min === max) return { min: min - 0.01, max: max + 0.01 };
  const pad = (max - min) * 0.05;
  return { min: min - pad, max: max + pad };
}

/** The timeline's span: from the first slot's start to the last slot's end. */
export function timeSpan(slots, nowMs, hoursAhead) {
  const starts = slots.map((s) => ms(s.start)).filter(Number.isFinite);
  const ends = slots.map((s) => ms(s.end)).filter(Number.isFinite);
  const start = starts.length ? Math.min(...starts) : nowMs;
  const end = ends.length ? Math.max(...ends) : nowMs + hoursAhead * HOUR;
  return { start, end: Math.max(end, start + HOUR) };
}

/**
 * Split slots into runs of one origin (market or forecast), so each is drawn in its own style.
 * A forecast segment starts where the market one ends, so the line has no gap.
 */
export function segmentsByOrigin(slots) {
  const segments = [];
  for (const slot of slots) {
    const origin = slot.origin === "forecast" ? "forecast" : "market";
    const last = segments[segments.length - 1];
    if (last && last.origin === origin && last.slots[last.slots.length - 1].end === slot.start) {
      last.slots.push(slot);
    } else {
      segments.push({ origin, slots: [slot] });
    }
  }
  return segments;
}

function round(v) {
  return Math.round(v * 10) / 10;
}

/** An SVG path of a step line: each slot's price held from its start to its end. */
export function stepPath(slots, x, y, key = "price") {
  let d = "";
  let lastEnd = null;
  for (const slot of slots) {
    const v = slot[key];
    if (typeof v !== "number") {
      lastEnd = null;
      continue;
    }
    const x0 = round(x(ms(slot.start)));
    const x1 = round(x(ms(slot.end)));
    const yv = round(y(v));
    d += lastEnd === slot.start ? `V${yv}H${x1}` : `M${x0} ${yv}H${x1}`;
    lastEnd = slot.end;
  }
  return d;
}

/** An SVG path of the forecast band: along the upper edges, back along the lower ones. */
export function bandPath(slots, x, y) {
  const paths = [];
  let group = [];
  const flush = () => {
    if (!group.length) return;
    let d = "";
    group.forEach((slot, i) => {
      const x0 = round(x(ms(slot.start)));
      const x1 = round(x(ms(slot.end)));
      const yu = round(y(slot.upper));
      d += i === 0 ? `M${x0} ${yu}H${x1}` : `V${yu}H${x1}`;
    });
    for (let i = group.length - 1; i >= 0; i -= 1) {
      const slot = group[i];
      d += `V${round(y(slot.lower))}H${round(x(ms(slot.start)))}`;
    }
    paths.push(`${d}Z`);
    group = [];
  };
  for (const slot of slots) {
    const banded = typeof slot.lower === "number" && typeof slot.upper === "number";
    const contiguous = group.length && group[group.length - 1].end === slot.start;
    if (!banded || (group.length && !contiguous)) flush();
    if (banded) group.push(slot);
  }
  flush();
  return paths.join("");
}

/**
 * One lane per appliance, in the order get_plan lists them, with every run of every
 * occurrence and the occurrences that could not be planned.
 */
export function lanes(plan) {
  if (!plan) return [];
  const byId = new Map();
  for (const appliance of plan.appliances ?? []) {
    byId.set(appliance.appliance_id, {
      applianceId: appliance.appliance_id,
      name: appliance.name,
      status: appliance.status,
      appliance,
      runs: [],
      blocked: [],
    });
  }
  for (const occurrence of plan.plans ?? []) {
    let lane = byId.get(occurrence.appliance_id);
    if (!lane) {
      lane = {
        applianceId: occurrence.appliance_id,
        name: occurrence.name,
        status: occurrence.status,
        appliance: null,
        runs: [],
        blocked: [],
      };
      byId.set(occurrence.appliance_id, lane);
    }
    for (const run of occurrence.runs ?? []) {
      lane.runs.push({ ...run, status: occurrence.status, occurrence });
    }
    if (occurrence.issue && !(occurrence.runs ?? []).length) lane.blocked.push(occurrence);
  }
  for (const lane of byId.values()) lane.runs.sort((a, b) => ms(a.start) - ms(b.start));
  return [...byId.values()];
}

/** A run's bar: where it starts and ends on screen, or null when it is outside the timeline. */
export function runBar(run, x) {
  const start = ms(run.start);
  const end = ms(run.end);
  if (!(end > x.start && start < x.end)) return null;
  const x0 = x(start);
  const x1 = x(end);
  return { x: x0, width: Math.max(x1 - x0, 2) };
}

/**
 * The planned load: the runs' power stacked over time, as steps between the moments any run
 * starts or ends.
 */
export function loadSteps(plans) {
  const edges = new Map();
  for (const occurrence of plans ?? []) {
    for (const run of occurrence.runs ?? []) {
      const start = ms(run.start);
      const end = ms(run.end);
      const kw = Number(run.power_kw) || 0;
      if (!(end > start) || kw === 0) continue;
      edges.set(start, (edges.get(start) ?? 0) + kw);
      edges.set(end, (edges.get(end) ?? 0) - kw);
    }
  }
  const times = [...edges.keys()].sort((a, b) => a - b);
  const steps = [];
  let kw = 0;
  for (let i = 0; i < times.length - 1; i += 1) {
    kw += edges.get(times[i]);
    // Sums of decimals: 1.5 + 7.4 - 1.5 is 7.4 on the chart, not 7.400000000000001.
    kw = Math.round(kw * 1e6) / 1e6;
    if (kw > 0) steps.push({ start: times[i], end: times[i + 1], kw });
  }
  return steps;
}

/** An SVG path of the planned load's area, from the baseline up. */
export function loadPath(steps, x, y) {
  let d = "";
  for (const step of steps) {
    const x0 = round(x(step.start));
    const x1 = round(x(step.end));
    d += `M${x0} ${round(y(0))}V${round(y(step.kw))}H${x1}V${round(y(0))}Z`;
  }
  return d;
}

/** Hour ticks every `stepHours`, no more than fit `maxTicks`, on whole hours of the zone's offset. */
export function hourTicks(startMs, endMs, maxTicks, offsetMinutes = 0) {
  const hours = (endMs - startMs) / HOUR;
  const steps = [1, 2, 3, 4, 6, 12, 24];
  const stepHours = steps.find((s) => hours / s <= maxTicks) ?? 24;
  const step = stepHours * HOUR;
  const offset = offsetMinutes * 60_000;
  // Whole local hours: shift to local time, round up to the step, shift back.
  let t = Math.ceil((startMs + offset) / step) * step - offset;
  const ticks = [];
  for (; t <= endMs; t += step) ticks.push(t);
  return ticks;
}

/**
 * The plan's energy balance per slot, as the timeline draws it: expected solar power (kW),
 * the battery's power (charging positive) and its state of charge at the slot's end (%).
 * Only units change; every figure is get_plan's. Null without an `energy` block.
 */
export function energySeries(plan) {
  const energy = plan?.energy;
  if (!energy || !Array.isArray(energy.slots) || !energy.slots.length) return null;
  const capacity = energy.battery_capacity_kwh;
  const hasBattery = energy.slots.some((slot) => typeof slot.stored_kwh === "number");
  const slots = [];
  for (const slot of energy.slots) {
    const start = ms(slot.start);
    const end = ms(slot.end);
    if (!(end > start)) continue;
    const hours = (end - start) / HOUR;
    const stored = slot.stored_kwh;
    slots.push({
      start,
      end,
      slot,
      solarKw: typeof slot.solar_kwh === "number" ? slot.solar_kwh / hours : null,
      batteryKw: typeof slot.battery_kw === "number" && typeof stored === "number" ? slot.battery_kw : null,
      socPercent: typeof stored === "number" && capacity > 0 ? (stored / capacity) * 100 : null,
    });
  }
  return {
    slots,
    hasSolar: Number(energy.solar_slots_known) > 0,
    hasBattery,
    hasSoc: hasBattery && capacity > 0,
  };
}

/** An SVG path of bars from a zero line to each slot's value of `key`, up or down. */
export function barsPath(slots, key, x, y) {
  let d = "";
  for (const slot of slots) {
    const v = slot[key];
    if (typeof v !== "number" || v === 0 || !(slot.end > x.start && slot.start < x.end)) continue;
    const x0 = round(x(slot.start));
    const x1 = round(x(slot.end));
    d += `M${x0} ${round(y(0))}V${round(y(v))}H${x1}V${round(y(0))}Z`;
  }
  return d;
}

/** An SVG path of the state of charge: a line through each slot's end, broken where it is unknown. */
export function socPath(slots, x, y) {
  let d = "";
  let drawing = false;
  for (const slot of slots) {
    const v = slot.socPercent;
    if (typeof v !== "number" || slot.end < x.start || slot.end > x.end) {
      drawing = false;
      continue;
    }
    d += `${drawing ? "L" : "M"}${round(x(slot.end))} ${round(y(v))}`;
    drawing = true;
  }
  return d;
}

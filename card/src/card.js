import { LitElement, css, html, nothing, svg } from "lit";

import {
  clockOf,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatTime,
  formatWeekday,
  isLocalMidnight,
  languageOf,
  timeZoneOf,
  zoneOffsetMinutes,
} from "./format.js";
import {
  bandPath,
  barsPath,
  energySeries,
  hourTicks,
  lanes,
  loadPath,
  loadSteps,
  ms,
  priceRange,
  runBar,
  segmentsByOrigin,
  socPath,
  stepPath,
  timeScale,
  timeSpan,
  valueScale,
} from "./layout.js";
import { localize } from "./strings.js";

export const DOMAIN = "price_optimizer";
export const CARD_TAG = "price-optimizer-plan-card";
export const DEFAULTS = {
  hours_ahead: 36,
  show_forecast: true,
  show_load: true,
  show_appliances: true,
  show_energy: true,
};
// Marks the browser test reads: when the page's first card was attached, and when a card
// first drew a plan (the time in between is the card's own: two actions and one render).
export const MARK_CONNECTED = `${CARD_TAG}:connected`;
export const MARK_FIRST_RENDER = `${CARD_TAG}:first-render`;

const PRICE_HEIGHT = 130;
const AXIS_HEIGHT = 22;
const LANE_HEIGHT = 36;
const LOAD_HEIGHT = 64;
const BATTERY_HEIGHT = 56;
const SOC_HEIGHT = 44;
const LEFT = 44;
const RIGHT = 8;
const TOP = 8;
// The plan changes when the entry's entities do; a burst of state changes makes one call.
const REFRESH_DEBOUNCE_MS = 400;
const REFRESH_EVERY_MS = 15 * 60_000;
const CLOCK_EVERY_MS = 60_000;

/** The call of one of the integration's actions, answered with its response. */
export async function callAction(hass, service, serviceData) {
  const result = await hass.callWS({
    type: "call_service",
    domain: DOMAIN,
    service,
    service_data: serviceData,
    return_response: true,
  });
  return result.response;
}

/** The loaded entries of the integration (the editor's choice, and the default). */
export async function loadedEntries(hass) {
  const entries = await hass.callWS({ type: "config_entries/get", domain: DOMAIN });
  return entries.filter((entry) => entry.state === "loaded");
}

/** A fingerprint of the entry's entities: it changes whenever the plan or the prices do. */
export function entitySignature(hass, entryId) {
  if (!hass?.states) return "";
  const devices = hass.devices ?? {};
  const parts = [];
  for (const entity of Object.values(hass.entities ?? {})) {
    if (entity.platform !== DOMAIN) continue;
    const device = devices[entity.device_id];
    if (entryId && device && !(device.config_entries ?? []).includes(entryId)) continue;
    const state = hass.states[entity.entity_id];
    if (state) parts.push(`${entity.entity_id}=${state.last_updated}`);
  }
  return parts.sort().join("|");
}

export class PriceOptimizerPlanCard extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
    _plan: { state: true },
    _forecast: { state: true },
    _error: { state: true },
    _selected: { state: true },
    _width: { state: true },
    _now: { state: true },
  };

  static getConfigElement() {
    return document.createElement(`${CARD_TAG}-editor`);
  }

  static async getStubConfig(hass) {
    try {
      const [entry] = await loadedEntries(hass);
      return entry ? { config_entry: entry.entry_id } : {};
    } catch {
      return {};
    }
  }

  constructor() {
    super();
    this._width = 600;
    this._now = Date.now();
    this._signature = null;
    this._entryId = null;
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    this._config = { ...DEFAULTS, ...config };
    this._signature = null;
    this._plan = undefined;
    this._forecast = undefined;
  }

  getCardSize() {
    return 6;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: "auto" };
  }

  connectedCallback() {
    super.connectedCallback();
    if (!PriceOptimizerPlanCard._connectedMarked) {
      PriceOptimizerPlanCard._connectedMarked = true;
      globalThis.performance?.mark?.(MARK_CONNECTED);
    }
    this._clock = setInterval(() => {
      this._now = Date.now();
    }, CLOCK_EVERY_MS);
    this._poll = setInterval(() => this._refresh(), REFRESH_EVERY_MS);
    // Drawn at the size shown, so texts keep their size from phone to desktop.
    this._resize = new ResizeObserver((entries) => {
      const width = Math.round(entries[0].contentRect.width) - 16;
      if (width > 0 && Math.abs(width - this._width) >= 4) this._width = width;
    });
    this._resize.observe(this);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this._clock);
    clearInterval(this._poll);
    clearTimeout(this._debounce);
    this._resize?.disconnect();
    this._resize = null;
  }

  _t(key, values) {
    return localize(languageOf(this.hass), key, values);
  }

  updated(changed) {
    if (changed.has("hass") && this.hass && this._config) {
      const signature = entitySignature(this.hass, this._config.config_entry ?? this._entryId);
      if (signature !== this._signature) {
        const first = this._signature === null;
        this._signature = signature;
        clearTimeout(this._debounce);
        if (first) this._refresh();
        else this._debounce = setTimeout(() => this._refresh(), REFRESH_DEBOUNCE_MS);
      }
    }
    if (this._plan && !PriceOptimizerPlanCard._firstRenderMarked) {
      PriceOptimizerPlanCard._firstRenderMarked = true;
      globalThis.performance?.mark?.(MARK_FIRST_RENDER);
    }
  }

  async _entry() {
    if (this._config.config_entry) return this._config.config_entry;
    if (!this._entryId) {
      const [entry] = await loadedEntries(this.hass);
      this._entryId = entry?.entry_id ?? null;
    }
    return this._entryId;
  }

  async _refresh() {
    if (!this.hass || !this._config) return;
    if (this._loading) {
      // A change while the actions answer: ask again once they have.
      this._again = true;
      return;
    }
    this._loading = true;
    this._again = false;
    try {
      const entry = await this._entry();
      if (!entry) {
        this._error = this._t("no_entry");
        return;
      }
      const [plan, forecast] = await Promise.all([
        callAction(this.hass, "get_plan", { config_entry: entry }),
        callAction(this.hass, "get_forecast", {
          config_entry: entry,
          hours_ahead: this._config.hours_ahead,
          include_bands: Boolean(this._config.show_forecast),
        }),
      ]);
      this._plan = plan;
      this._forecast = forecast;
      this._error = undefined;
      this._now = Date.now();
      this._loadReasons();
    } catch (err) {
      this._error = this._t("no_plan", { error: err?.message ?? String(err) });
    } finally {
      this._loading = false;
      if (this._again) this._refresh();
    }
  }

  async _loadReasons() {
    // The integration's own translated message for each reason a run could not be planned.
    if (this._reasons || !this.hass?.loadBackendTranslation) return;
    try {
      this._reasons = await this.hass.loadBackendTranslation("exceptions", DOMAIN);
      this.requestUpdate();
    } catch {
      this._reasons = null;
    }
  }

  _reason(issue) {
    if (!issue) return "";
    const key = `component.${DOMAIN}.exceptions.${issue.code}.message`;
    const text = this._reasons?.(key, issue.placeholders ?? {});
    return text || issue.code;
  }

  render() {
    if (!this._config) return nothing;
    const title = this._config.title ?? this._t("title");
    let body;
    if (this._plan && this._forecast) body = this._renderTimeline();
    else if (this._error) body = html`<div class="message">${this._error}</div>`;
    else body = html`<div class="message">${this._t("loading")}</div>`;
    return html`<ha-card .header=${title || undefined}>
      <div class="timeline">${body}</div>
      ${this._renderDetails()}
    </ha-card>`;
  }

  _renderTimeline() {
    const config = this._config;
    const language = languageOf(this.hass);
    const zone = timeZoneOf(this.hass);
    const clock = clockOf(this.hass);
    const slots = this._forecast.slots ?? [];
    const shownSlots = config.show_forecast ? slots : slots.filter((s) => s.origin !== "forecast");
    const currency = this._forecast.currency ?? this._plan.currency;
    const span = timeSpan(slots, this._now, config.hours_ahead);
    const width = Math.max(this._width, 280);
    const x = timeScale(span.start, span.end, LEFT, width - RIGHT);
    const rows = config.show_appliances ? lanes(this._plan) : [];
    const steps = config.show_load ? loadSteps(this._plan.plans) : [];
    const limit = this._plan.household_limit_kw;

    const priceTop = TOP;
    const priceBottom = TOP + PRICE_HEIGHT;
    const range = priceRange(shownSlots);
    const y = valueScale(range.min, range.max, priceTop, priceBottom);
    const axisY = priceBottom + AXIS_HEIGHT;
    const lanesTop = axisY + 4;
    const loadTop = lanesTop + rows.length * LANE_HEIGHT + (rows.length ? 6 : 0);
    const showLoad = Boolean(config.show_load && (steps.length || typeof limit === "number"));
    const energy = config.show_energy ? energySeries(this._plan) : null;
    const showSolar = Boolean(energy?.hasSolar);
    const showBattery = Boolean(energy?.hasBattery);
    const showSoc = Boolean(energy?.hasSoc);
    const showPanel = showLoad || showSolar;
    const batteryTop = loadTop + (showPanel ? LOAD_HEIGHT + 8 : 0);
    const socTop = batteryTop + (showBattery ? BATTERY_HEIGHT + 4 : 0);
    const height = socTop + (showSoc ? SOC_HEIGHT + 8 : 0);
    const maxKw = Math.max(
      ...(showLoad ? steps.map((s) => s.kw) : []),
      showLoad && typeof limit === "number" ? limit : 0,
      ...(showSolar ? energy.slots.map((s) => s.solarKw ?? 0) : []),
      1,
    );
    // Below the panel's title, so the limit's line never runs through it.
    const yLoad = valueScale(0, maxKw * 1.05, loadTop + 16, loadTop + LOAD_HEIGHT);

    const ticks = hourTicks(span.start, span.end, Math.floor((width - LEFT) / 56), zoneOffsetMinutes(zone, span.start));
    const nowX = x(this._now);
    const nowVisible = this._now >= span.start && this._now <= span.end;
    const segments = segmentsByOrigin(shownSlots);
    const knownUntil = ms(this._forecast.known_until);

    return html`
      <svg
        class="chart"
        data-from=${new Date(span.start).toISOString()}
        data-to=${new Date(span.end).toISOString()}
        viewBox="0 0 ${width} ${height}"
        width="100%"
        height=${height}
        role="img"
        aria-label=${this._t("title")}
      >
        ${ticks.map(
          (t) => svg`<line class="grid" x1=${x(t)} x2=${x(t)} y1=${priceTop} y2=${height - 4}></line>
            <text class="tick${isLocalMidnight(t, zone) ? " day" : ""}" x=${x(t)} y=${priceBottom + 15} text-anchor="middle">${
              isLocalMidnight(t, zone) ? formatWeekday(t, clock) : formatTime(t, clock)
            }</text>`,
        )}
        <text class="axis" x=${LEFT - 4} y=${priceTop + 10} text-anchor="end">${formatNumber(range.max, language, 2)}</text>
        <text class="axis" x=${LEFT - 4} y=${priceBottom} text-anchor="end">${formatNumber(range.min, language, 2)}</text>
        <text class="axis unit" x=${LEFT - 4} y=${priceTop + 22} text-anchor="end">${currency}/kWh</text>
        ${range.min < 0 ? svg`<line class="zero" x1=${LEFT} x2=${width - RIGHT} y1=${y(0)} y2=${y(0)}></line>` : nothing}
        ${config.show_forecast ? svg`<path class="band" d=${bandPath(shownSlots, x, y)}></path>` : nothing}
        ${Number.isFinite(knownUntil) && config.show_forecast && knownUntil < span.end
          ? svg`<line class="known-until" x1=${x(knownUntil)} x2=${x(knownUntil)} y1=${priceTop} y2=${priceBottom}></line>`
          : nothing}
        ${segments.map(
          (segment) => svg`<path class="price ${segment.origin}" data-origin=${segment.origin} d=${stepPath(segment.slots, x, y)}></path>`,
        )}
        ${rows.map((lane, i) => this._renderLane(lane, lanesTop + i * LANE_HEIGHT, x, width, currency, clock))}
        ${energy && (showSolar || showBattery)
          ? this._renderSlotTargets(energy, x, showPanel ? loadTop : batteryTop, height - 8, clock)
          : nothing}
        ${showPanel
          ? svg`<g class="load-panel">
              <text class="lane-name" x=${LEFT} y=${loadTop + 10}>${this._t(showLoad ? "load" : "solar")}</text>
              <text class="axis" x=${LEFT - 4} y=${yLoad(maxKw) + 4} text-anchor="end">${formatNumber(maxKw, language, 1)} kW</text>
              ${showSolar ? svg`<path class="solar" d=${barsPath(energy.slots, "solarKw", x, yLoad)}></path>` : nothing}
              ${showLoad ? svg`<path class="load" d=${loadPath(steps, x, yLoad)}></path>` : nothing}
              ${showLoad && typeof limit === "number"
                ? svg`<line class="limit" x1=${LEFT} x2=${width - RIGHT} y1=${yLoad(limit)} y2=${yLoad(limit)}></line>
                  <text class="limit-label" x=${width - RIGHT - 2} y=${yLoad(limit) - 3} text-anchor="end">${this._t("limit_value", { kw: formatNumber(limit, language, 1) })}</text>`
                : nothing}
            </g>`
          : nothing}
        ${showBattery ? this._renderBattery(energy, batteryTop, x, width, language) : nothing}
        ${showSoc ? this._renderSoc(energy, socTop, x, width, language) : nothing}
        ${nowVisible
          ? svg`<line class="now" x1=${nowX} x2=${nowX} y1=${priceTop} y2=${height - 4}></line>
            <text class="now-label" x=${nowX + 3} y=${priceTop + 10}>${this._t("now")}</text>`
          : nothing}
      </svg>
      ${this._renderLegend(showLoad, showLoad && typeof limit === "number", { showSolar, showBattery, showSoc })}
    `;
  }

  _renderBattery(energy, top, x, width, language) {
    const maxAbs = Math.max(...energy.slots.map((s) => Math.abs(s.batteryKw ?? 0)), 0.1);
    const y = valueScale(-maxAbs, maxAbs, top + 16, top + BATTERY_HEIGHT);
    return svg`<g class="battery-panel">
      <text class="lane-name" x=${LEFT} y=${top + 10}>${this._t("battery_power")}</text>
      <text class="axis" x=${LEFT - 4} y=${y(maxAbs) + 4} text-anchor="end">${formatNumber(maxAbs, language, 1)} kW</text>
      <text class="axis" x=${LEFT - 4} y=${y(-maxAbs)} text-anchor="end">${formatNumber(-maxAbs, language, 1)}</text>
      <line class="lane-base" x1=${LEFT} x2=${width - RIGHT} y1=${y(0)} y2=${y(0)}></line>
      <path class="battery" d=${barsPath(energy.slots, "batteryKw", x, y)}></path>
    </g>`;
  }

  _renderSoc(energy, top, x, width, language) {
    const y = valueScale(0, 100, top + 16, top + SOC_HEIGHT);
    return svg`<g class="soc-panel">
      <text class="lane-name" x=${LEFT} y=${top + 10}>${this._t("state_of_charge")}</text>
      <text class="axis" x=${LEFT - 4} y=${y(100) + 4} text-anchor="end">${this._t("unit.percent", { value: formatNumber(100, language, 0) })}</text>
      <text class="axis" x=${LEFT - 4} y=${y(0)} text-anchor="end">${this._t("unit.percent", { value: formatNumber(0, language, 0) })}</text>
      <line class="lane-base" x1=${LEFT} x2=${width - RIGHT} y1=${y(0)} y2=${y(0)}></line>
      <line class="lane-base" x1=${LEFT} x2=${width - RIGHT} y1=${y(100)} y2=${y(100)}></line>
      <path class="soc" d=${socPath(energy.slots, x, y)}></path>
    </g>`;
  }

  // One tap target per slot of the energy plan, across its lanes, for the slot's balance.
  _renderSlotTargets(energy, x, top, bottom, clock) {
    return svg`<g class="energy-slots">${energy.slots.map((entry) => {
      if (!(entry.end > x.start && entry.start < x.end)) return nothing;
      const x0 = x(entry.start);
      const times = `${formatTime(entry.start, clock)}–${formatTime(entry.end, clock)}`;
      const selected = this._selected?.energySlot === entry.slot;
      return svg`<rect class="energy-slot${selected ? " selected" : ""}" role="button"
        data-start=${entry.slot.start} data-end=${entry.slot.end}
        x=${x0} y=${top} width=${Math.max(x(entry.end) - x0, 1)} height=${Math.max(bottom - top, 1)}
        aria-label=${`${this._t("balance")} ${times}`}
        @click=${() => this._select({ energySlot: entry.slot })}><title>${this._t("balance")} ${times}</title></rect>`;
    })}</g>`;
  }

  _renderLane(lane, top, x, width, currency, clock) {
    const barTop = top + 14;
    const barHeight = LANE_HEIGHT - 18;
    const blocked = lane.blocked.length && !lane.runs.length;
    return svg`<g class="lane" data-appliance=${lane.applianceId}>
      <text class="lane-name" x=${LEFT} y=${top + 10}>${lane.name}${
        blocked ? ` · ${this._t("blocked")}` : lane.runs.length ? "" : ` · ${this._t("no_runs")}`
      }</text>
      <line class="lane-base" x1=${LEFT} x2=${width - RIGHT} y1=${barTop + barHeight / 2} y2=${barTop + barHeight / 2}></line>
      ${lane.blocked.map((occurrence) => {
        const from = Math.max(ms(occurrence.window_start), x.start);
        const to = Math.min(ms(occurrence.due), x.end);
        if (!(to > from)) return nothing;
        return svg`<rect class="blocked" tabindex="0" role="button"
          x=${x(from)} y=${barTop} width=${Math.max(x(to) - x(from), 2)} height=${barHeight} rx="3"
          aria-label=${`${lane.name}: ${this._reason(occurrence.issue)}`}
          @click=${() => this._select({ lane, occurrence })}
          @keydown=${(ev) => this._key(ev, { lane, occurrence })}></rect>`;
      })}
      ${lane.runs.map((run) => {
        const bar = runBar(run, x);
        if (!bar) return nothing;
        const label = formatMoney(run.cost, currency, clock.language);
        const times = `${formatTime(ms(run.start), clock)}–${formatTime(ms(run.end), clock)}`;
        const selected = this._selected?.run === run;
        return svg`<g class="run ${run.status}${selected ? " selected" : ""}" tabindex="0" role="button"
            data-start=${run.start} data-end=${run.end} data-cost=${run.cost ?? ""}
            aria-label=${`${lane.name} ${times}, ${label}`}
            @click=${() => this._select({ lane, run, occurrence: run.occurrence })}
            @keydown=${(ev) => this._key(ev, { lane, run, occurrence: run.occurrence })}>
          <rect x=${bar.x} y=${barTop} width=${bar.width} height=${barHeight} rx="3"></rect>
          ${bar.width > 46
            ? svg`<text class="run-label" x=${bar.x + bar.width / 2} y=${barTop + barHeight / 2 + 4} text-anchor="middle">${label}</text>`
            : nothing}
        </g>`;
      })}
    </g>`;
  }

  _renderLegend(showLoad, showLimit, { showSolar, showBattery, showSoc }) {
    const config = this._config;
    return html`<div class="legend">
      <span><i class="swatch market"></i>${this._t("market")}</span>
      ${config.show_forecast
        ? html`<span><i class="swatch forecast"></i>${this._t("forecast")}</span>
            <span><i class="swatch band"></i>${this._t("band")}</span>`
        : nothing}
      <span><i class="swatch now"></i>${this._t("now")}</span>
      ${showLoad ? html`<span><i class="swatch load"></i>${this._t("load")}</span>` : nothing}
      ${showLimit ? html`<span><i class="swatch limit"></i>${this._t("limit")}</span>` : nothing}
      ${showSolar ? html`<span><i class="swatch solar"></i>${this._t("solar")}</span>` : nothing}
      ${showBattery ? html`<span><i class="swatch battery"></i>${this._t("battery_power")}</span>` : nothing}
      ${showSoc ? html`<span><i class="swatch soc"></i>${this._t("state_of_charge")}</span>` : nothing}
    </div>`;
  }

  _key(ev, selection) {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      this._select(selection);
    }
  }

  _select(selection) {
    const same =
      this._selected &&
      this._selected.run === selection.run &&
      this._selected.occurrence === selection.occurrence &&
      this._selected.energySlot === selection.energySlot;
    this._selected = same ? undefined : selection;
  }

  _renderDetails() {
    const selection = this._selected;
    if (!selection || !this._plan) return nothing;
    const language = languageOf(this.hass);
    const clock = clockOf(this.hass);
    const currency = this._plan.currency;
    if (selection.energySlot) return this._renderBalance(selection.energySlot, language, clock);
    const { lane, run, occurrence } = selection;
    const rows = [[this._t("status"), this._t(`status.${occurrence.status}`)]];
    if (run) {
      rows.push(
        [this._t("start"), formatDateTime(ms(run.start), clock)],
        [this._t("end"), formatDateTime(ms(run.end), clock)],
        [this._t("cost"), formatMoney(run.cost, currency, language, 4)],
        [this._t("energy"), this._t("unit.kwh", { value: formatNumber(run.energy_kwh, language, 2) })],
        [this._t("power"), this._t("unit.kw", { value: formatNumber(run.power_kw, language, 2) })],
        [this._t("savings"), formatMoney(occurrence.savings, currency, language, 4)],
        [this._t("baseline"), formatMoney(occurrence.baseline_cost, currency, language, 4)],
      );
    } else {
      rows.push(
        [this._t("window_start"), formatDateTime(ms(occurrence.window_start), clock)],
        [this._t("due"), formatDateTime(ms(occurrence.due), clock)],
      );
    }
    if (occurrence.issue) rows.push([this._t("reason"), this._reason(occurrence.issue)]);
    return html`<div class="details" role="dialog" aria-label=${lane.name}>
      <div class="details-head">
        <strong>${lane.name}</strong>
        <button class="close" @click=${() => (this._selected = undefined)} aria-label=${this._t("close")}>✕</button>
      </div>
      <dl>
        ${rows.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}
      </dl>
    </div>`;
  }

  _renderBalance(slot, language, clock) {
    const kwh = (value) => this._t("unit.kwh", { value: formatNumber(value, language, 2) });
    const title = `${this._t("balance")} ${formatTime(ms(slot.start), clock)}–${formatTime(ms(slot.end), clock)}`;
    const rows = [
      [this._t("start"), formatDateTime(ms(slot.start), clock)],
      [this._t("end"), formatDateTime(ms(slot.end), clock)],
      [this._t("grid_import"), kwh(slot.grid_import_kwh)],
      [this._t("grid_export"), kwh(slot.grid_export_kwh)],
      [this._t("solar_energy"), kwh(slot.solar_kwh)],
    ];
    if (typeof slot.stored_kwh === "number") {
      const capacity = this._plan.energy?.battery_capacity_kwh;
      rows.push(
        [this._t("battery_power"), this._t("unit.kw", { value: formatNumber(slot.battery_kw, language, 2) })],
        [this._t("stored"), kwh(slot.stored_kwh)],
      );
      if (capacity > 0) {
        const percent = formatNumber((slot.stored_kwh / capacity) * 100, language, 0);
        rows.push([this._t("state_of_charge"), this._t("unit.percent", { value: percent })]);
      }
    }
    if (slot.mode) rows.push([this._t("battery_mode"), this._t(`mode.${slot.mode}`)]);
    return html`<div class="details" role="dialog" aria-label=${title}>
      <div class="details-head">
        <strong>${title}</strong>
        <button class="close" @click=${() => (this._selected = undefined)} aria-label=${this._t("close")}>✕</button>
      </div>
      <dl>
        ${rows.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}
      </dl>
    </div>`;
  }

  static styles = css`
    :host {
      --po-market: var(--primary-color, #03a9f4);
      --po-forecast: var(--warning-color, #ff9800);
      --po-now: var(--error-color, #db4437);
      --po-run: var(--accent-color, #ff9800);
      --po-running: var(--success-color, #43a047);
      --po-load: var(--info-color, #039be5);
      --po-limit: var(--error-color, #db4437);
      --po-solar: var(--energy-solar-color, #ff9800);
      --po-battery: var(--energy-battery-in-color, #f06292);
      --po-soc: var(--energy-battery-out-color, #4db6ac);
      display: block;
    }
    .timeline {
      padding: 0 8px 8px;
    }
    .message {
      padding: 16px 8px;
      color: var(--secondary-text-color);
    }
    svg {
      display: block;
      overflow: visible;
      font-family: var(--ha-font-family-body, var(--paper-font-body1_-_font-family, sans-serif));
      font-size: 11px;
    }
    /* Lines and labels over the runs must not take their taps. */
    .grid,
    .tick,
    .now,
    .now-label,
    .known-until,
    .limit,
    .limit-label,
    .lane-name,
    .load,
    .solar,
    .battery,
    .soc,
    .lane-base,
    .axis {
      pointer-events: none;
    }
    .lane-name {
      /* Knocks the grid lines out behind the name. */
      paint-order: stroke;
      stroke: var(--ha-card-background, var(--card-background-color, #fff));
      stroke-width: 3px;
      stroke-linejoin: round;
    }
    .tick.day {
      font-weight: 600;
      fill: var(--primary-text-color);
    }
    .grid {
      stroke: var(--divider-color, rgba(127, 127, 127, 0.2));
      stroke-width: 1;
    }
    .tick,
    .axis,
    .lane-name,
    .limit-label {
      fill: var(--secondary-text-color);
    }
    .unit {
      font-size: 9px;
    }
    .zero {
      stroke: var(--secondary-text-color);
      stroke-dasharray: 2 2;
    }
    .price {
      fill: none;
      stroke-width: 2;
    }
    .price.market {
      stroke: var(--po-market);
    }
    .price.forecast {
      stroke: var(--po-forecast);
      stroke-dasharray: 5 3;
    }
    .band {
      fill: var(--po-forecast);
      opacity: 0.2;
    }
    .known-until {
      stroke: var(--po-forecast);
      stroke-width: 1;
      opacity: 0.6;
    }
    .now {
      stroke: var(--po-now);
      stroke-width: 1.5;
    }
    .now-label {
      fill: var(--po-now);
      font-weight: 500;
    }
    .lane-base {
      stroke: var(--divider-color, rgba(127, 127, 127, 0.2));
    }
    .run {
      cursor: pointer;
      outline: none;
    }
    .run rect {
      fill: var(--po-run);
      opacity: 0.85;
    }
    .run.running rect {
      fill: var(--po-running);
      opacity: 1;
    }
    .run.selected rect,
    .run:focus-visible rect {
      stroke: var(--primary-text-color);
      stroke-width: 2;
    }
    .run-label {
      fill: var(--text-primary-color, #fff);
      font-weight: 500;
      pointer-events: none;
    }
    .blocked {
      cursor: pointer;
      fill: none;
      stroke: var(--po-now);
      stroke-dasharray: 3 3;
      outline: none;
    }
    .load {
      fill: var(--po-load);
      opacity: 0.45;
    }
    .solar {
      fill: var(--po-solar);
      opacity: 0.35;
    }
    .battery {
      fill: var(--po-battery);
      opacity: 0.7;
    }
    .soc {
      fill: none;
      stroke: var(--po-soc);
      stroke-width: 2;
    }
    .energy-slot {
      cursor: pointer;
      fill: transparent;
    }
    .energy-slot.selected {
      fill: var(--primary-text-color);
      opacity: 0.08;
    }
    .limit {
      stroke: var(--po-limit);
      stroke-dasharray: 6 3;
      stroke-width: 1.5;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
      padding: 6px 4px 0;
      font-size: 12px;
      color: var(--secondary-text-color);
    }
    .swatch {
      display: inline-block;
      width: 14px;
      height: 0;
      margin-right: 4px;
      vertical-align: middle;
      border-top: 2px solid;
    }
    .swatch.market {
      border-color: var(--po-market);
    }
    .swatch.forecast {
      border-top-style: dashed;
      border-color: var(--po-forecast);
    }
    .swatch.band {
      height: 8px;
      border: none;
      background: var(--po-forecast);
      opacity: 0.3;
    }
    .swatch.now {
      width: 2px;
      height: 12px;
      border: none;
      background: var(--po-now);
    }
    .swatch.load {
      height: 8px;
      border: none;
      background: var(--po-load);
      opacity: 0.5;
    }
    .swatch.solar {
      height: 8px;
      border: none;
      background: var(--po-solar);
      opacity: 0.5;
    }
    .swatch.battery {
      height: 8px;
      border: none;
      background: var(--po-battery);
      opacity: 0.7;
    }
    .swatch.soc {
      border-color: var(--po-soc);
    }
    .swatch.limit {
      border-top-style: dashed;
      border-color: var(--po-limit);
    }
    .details {
      margin: 0 16px 16px;
      padding: 8px 12px;
      border-radius: var(--ha-card-border-radius, 12px);
      background: var(--secondary-background-color);
      color: var(--primary-text-color);
    }
    .details-head {
      display: flex;
      align-items: center;
      justify-content: space-between;
    }
    .close {
      border: none;
      background: none;
      color: inherit;
      cursor: pointer;
      font-size: 16px;
      padding: 4px 8px;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 2px 12px;
      margin: 4px 0 0;
    }
    dt {
      color: var(--secondary-text-color);
    }
    dd {
      margin: 0;
    }
  `;
}

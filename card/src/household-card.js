import { LitElement, css, html, nothing } from "lit";

import { clockOf, formatDateTime, formatMoney, formatTime, languageOf } from "./format.js";
import { appliancesOf } from "./household.js";
import { localize } from "./strings.js";

export const HOUSEHOLD_TAG = "price-optimizer-household-card";
const MISSING = "–";
const UNSET = new Set(["unknown", "unavailable", ""]);

function known(state) {
  return state && !UNSET.has(state.state) ? state : undefined;
}

/**
 * The household's appliances of one entry, each with its status, next run, planned cost, savings
 * and automatic control. The rows come from the device and entity registries on every update, so
 * an appliance added or removed in the UI shows or goes at once, without editing the dashboard.
 */
export class PriceOptimizerHouseholdCard extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
  };

  static getConfigElement() {
    return document.createElement(`${HOUSEHOLD_TAG}-editor`);
  }

  static getStubConfig() {
    return {};
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    this._config = { ...config };
  }

  getCardSize() {
    return 1 + 2 * appliancesOf(this.hass, this._config?.entry).length;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 4, rows: "auto" };
  }

  _t(key, values) {
    return localize(languageOf(this.hass), key, values);
  }

  _state(entityId) {
    return entityId ? this.hass.states?.[entityId] : undefined;
  }

  /** The state as Home Assistant shows it (translated, in the profile's number format). */
  _formatted(state, fallback) {
    if (!known(state)) return MISSING;
    return this.hass.formatEntityState?.(state) ?? fallback(state);
  }

  _money(entityId) {
    const language = languageOf(this.hass);
    return this._formatted(this._state(entityId), (state) =>
      formatMoney(Number(state.state), state.attributes?.unit_of_measurement ?? "", language),
    );
  }

  _nextRun(appliance) {
    const start = known(this._state(appliance.entities.next_start));
    const end = known(this._state(appliance.entities.next_end));
    if (!start || !end) return html`<dd class="next-run">${this._t("no_runs")}</dd>`;
    const clock = clockOf(this.hass);
    const from = Date.parse(start.state);
    const to = Date.parse(end.state);
    return html`<dd class="next-run" data-start=${start.state} data-end=${end.state}>
      ${formatDateTime(from, clock)}–${formatTime(to, clock)}
    </dd>`;
  }

  _moreInfo(entityId) {
    this.dispatchEvent(
      new CustomEvent("hass-more-info", { detail: { entityId }, bubbles: true, composed: true }),
    );
  }

  _toggle(ev, entityId, on) {
    ev.stopPropagation();
    this.hass.callService("switch", on ? "turn_off" : "turn_on", { entity_id: entityId });
  }

  render() {
    if (!this._config || !this.hass) return nothing;
    const appliances = appliancesOf(this.hass, this._config.entry);
    const title = this._config.title ?? this._t("household.title");
    return html`<ha-card .header=${title || undefined}>
      <div class="appliances${title ? "" : " bare"}">
        ${appliances.length
          ? appliances.map((appliance) => this._renderAppliance(appliance))
          : html`<div class="message">${this._t("household.none")}</div>`}
      </div>
    </ha-card>`;
  }

  _renderAppliance(appliance) {
    const { entities } = appliance;
    const status = this._state(entities.status);
    const control = this._state(entities.automatic_control);
    const on = control?.state === "on";
    const statusText = this._formatted(status, (state) => this._t(`status.${state.state}`));
    const open = () => this._moreInfo(entities.status);
    return html`<div
      class="appliance"
      role="button"
      tabindex="0"
      data-device=${appliance.deviceId}
      aria-label=${`${appliance.name}: ${statusText}`}
      @click=${open}
      @keydown=${(ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          open();
        }
      }}
    >
      <div class="head">
        <span class="name">${appliance.name}</span>
        <span class="status ${status?.state ?? "unknown"}">${statusText}</span>
      </div>
      <dl class="figures">
        <div><dt>${this._t("household.next_run")}</dt>${this._nextRun(appliance)}</div>
        <div><dt>${this._t("household.planned_cost")}</dt><dd class="planned-cost">${this._money(entities.planned_cost)}</dd></div>
        <div><dt>${this._t("household.expected_savings")}</dt><dd class="expected-savings">${this._money(entities.expected_savings)}</dd></div>
        <div><dt>${this._t("household.realised_savings")}</dt><dd class="realised-savings">${this._money(entities.realised_savings)}</dd></div>
      </dl>
      ${entities.automatic_control
        ? html`<label class="control" @click=${(ev) => ev.stopPropagation()}>
            <span>${this._t("household.automatic_control")}</span>
            <ha-switch
              .checked=${on}
              .disabled=${!known(control)}
              aria-label=${`${appliance.name}: ${this._t("household.automatic_control")}`}
              @change=${(ev) => this._toggle(ev, entities.automatic_control, on)}
            ></ha-switch>
          </label>`
        : nothing}
    </div>`;
  }

  static styles = css`
    :host {
      display: block;
    }
    ha-card {
      /* The row's layout follows the card's width, not the window's: a narrow column is a phone. */
      container-type: inline-size;
    }
    .appliances {
      padding: 0 8px 8px;
    }
    .bare {
      padding-top: 8px;
    }
    .message {
      padding: 8px 8px 12px;
      color: var(--secondary-text-color);
    }
    .appliance {
      display: grid;
      grid-template-columns: minmax(9em, 1.2fr) 4fr auto;
      align-items: center;
      gap: 4px 16px;
      padding: 10px 8px;
      border-radius: var(--ha-card-border-radius, 12px);
      color: var(--primary-text-color);
      cursor: pointer;
      outline: none;
    }
    .appliance + .appliance {
      border-top: 1px solid var(--divider-color, rgba(127, 127, 127, 0.2));
      border-radius: 0;
    }
    .appliance:hover,
    .appliance:focus-visible {
      background: var(--secondary-background-color);
    }
    .head {
      display: flex;
      flex-direction: column;
      gap: 2px;
      min-width: 0;
    }
    .name {
      font-weight: 500;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .status {
      font-size: 13px;
      color: var(--secondary-text-color);
    }
    .status.running {
      color: var(--success-color, #43a047);
    }
    .status.scheduled {
      color: var(--primary-color, #03a9f4);
    }
    .status.blocked {
      color: var(--error-color, #db4437);
    }
    .figures {
      display: grid;
      grid-template-columns: 1.6fr 1fr 1fr 1fr;
      gap: 4px 12px;
      margin: 0;
    }
    dt {
      font-size: 12px;
      color: var(--secondary-text-color);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    .control {
      display: flex;
      align-items: center;
      gap: 8px;
      font-size: 12px;
      color: var(--secondary-text-color);
      cursor: default;
    }
    @container (max-width: 560px) {
      .appliance {
        grid-template-columns: 1fr auto;
      }
      .figures {
        grid-column: 1 / -1;
        grid-row: 2;
        grid-template-columns: 1fr 1fr;
      }
      .control {
        grid-column: 2;
        grid-row: 1;
      }
    }
  `;
}

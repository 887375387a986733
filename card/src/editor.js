import { LitElement, html, nothing } from "lit";

import { CARD_TAG, DEFAULTS } from "./card.js";
import { languageOf } from "./format.js";
import { localize } from "./strings.js";

// Home Assistant's own form and selectors: the entry picker lists the integration's entries.
export const SCHEMA = [
  { name: "config_entry", selector: { config_entry: { integration: "price_optimizer" } } },
  { name: "title", selector: { text: {} } },
  {
    name: "hours_ahead",
    selector: { number: { min: 1, max: 168, step: 1, mode: "box", unit_of_measurement: "h" } },
  },
  { name: "show_appliances", selector: { boolean: {} } },
  { name: "show_forecast", selector: { boolean: {} } },
  { name: "show_load", selector: { boolean: {} } },
  { name: "show_energy", selector: { boolean: {} } },
];

/** A card's editor: its options in Home Assistant's form; defaults and empty values left out. */
export class CardEditor extends LitElement {
  static properties = {
    hass: { attribute: false },
    _config: { state: true },
  };

  // Each card's editor names its own.
  static schema = [];
  static defaults = {};
  static cardTag = "";

  setConfig(config) {
    this._config = config;
  }

  render() {
    if (!this.hass || !this._config) return nothing;
    return html`<ha-form
      .hass=${this.hass}
      .data=${{ ...this.constructor.defaults, ...this._config }}
      .schema=${this.constructor.schema}
      .computeLabel=${(field) => localize(languageOf(this.hass), `editor.${field.name}`)}
      @value-changed=${this._changed}
    ></ha-form>`;
  }

  _changed(ev) {
    ev.stopPropagation();
    const defaults = this.constructor.defaults;
    const config = { ...ev.detail.value };
    for (const [key, value] of Object.entries(config)) {
      if (value === "" || value === undefined || value === defaults[key]) delete config[key];
    }
    config.type = this._config.type ?? `custom:${this.constructor.cardTag}`;
    this._config = config;
    this.dispatchEvent(new CustomEvent("config-changed", { detail: { config }, bubbles: true, composed: true }));
  }
}

export class PriceOptimizerPlanCardEditor extends CardEditor {
  static schema = SCHEMA;
  static defaults = DEFAULTS;
  static cardTag = CARD_TAG;
}

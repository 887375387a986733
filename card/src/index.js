// The module Home Assistant loads on every page: it defines the cards and their editors and
// lists the cards in the card picker.
import { CARD_TAG, PriceOptimizerPlanCard } from "./card.js";
import { PriceOptimizerPlanCardEditor } from "./editor.js";
import { HOUSEHOLD_TAG, PriceOptimizerHouseholdCard } from "./household-card.js";
import { PriceOptimizerHouseholdCardEditor } from "./household-editor.js";

const DOCUMENTATION = "https://github.com/price-optimizer/price_optimizer#dashboard";
const CARDS = [
  {
    type: CARD_TAG,
    card: PriceOptimizerPlanCard,
    editor: PriceOptimizerPlanCardEditor,
    name: "Price Optimizer plan",
    description: "Prices, the forecast with its band, and every planned run on one timeline.",
  },
  {
    type: HOUSEHOLD_TAG,
    card: PriceOptimizerHouseholdCard,
    editor: PriceOptimizerHouseholdCardEditor,
    name: "Price Optimizer household",
    description: "Every appliance with its status, next run, cost, savings and automatic control.",
  },
];

window.customCards = window.customCards || [];
for (const { type, card, editor, name, description } of CARDS) {
  if (!customElements.get(type)) customElements.define(type, card);
  if (!customElements.get(`${type}-editor`)) customElements.define(`${type}-editor`, editor);
  if (!window.customCards.some((listed) => listed.type === type)) {
    window.customCards.push({ type, name, description, preview: false, documentationURL: DOCUMENTATION });
  }
}

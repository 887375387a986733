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

// Home Assistant's frontend may install its own custom element registry (a polyfill for scoped
// registries, as 2025.12 does) after this module ran: on a first visit this small module arrives
// before the frontend's. An element defined before that is unknown to the frontend's registry, and
// every card of it shows "Custom element doesn't exist". On the frontend's page (its root element
// is in the document from the start) the cards are therefore defined once that root is defined.
const FRONTEND_ROOT = "home-assistant";

function defineCards() {
  for (const { type, card, editor } of CARDS) {
    if (!customElements.get(type)) customElements.define(type, card);
    if (!customElements.get(`${type}-editor`)) customElements.define(`${type}-editor`, editor);
  }
}

window.customCards = window.customCards || [];
for (const { type, name, description } of CARDS) {
  if (!window.customCards.some((listed) => listed.type === type)) {
    window.customCards.push({ type, name, description, preview: false, documentationURL: DOCUMENTATION });
  }
}
if (document.querySelector(FRONTEND_ROOT) && !customElements.get(FRONTEND_ROOT)) {
  customElements.whenDefined(FRONTEND_ROOT).then(defineCards);
} else {
  defineCards();
}

// The module Home Assistant loads on every page: it defines the card and its editor and
// lists the card in the card picker.
import { CARD_TAG, PriceOptimizerPlanCard } from "./card.js";
import { PriceOptimizerPlanCardEditor } from "./editor.js";

if (!customElements.get(CARD_TAG)) customElements.define(CARD_TAG, PriceOptimizerPlanCard);
if (!customElements.get(`${CARD_TAG}-editor`)) {
  customElements.define(`${CARD_TAG}-editor`, PriceOptimizerPlanCardEditor);
}

window.customCards = window.customCards || [];
if (!window.customCards.some((card) => card.type === CARD_TAG)) {
  window.customCards.push({
    type: CARD_TAG,
    name: "Price Optimizer plan",
    description: "Prices, the forecast with its band, and every planned run on one timeline.",
    preview: false,
    documentationURL: "https://github.com/price-optimizer/price_optimizer#dashboard",
  });
}

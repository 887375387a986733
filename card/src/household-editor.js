import { CardEditor } from "./editor.js";
import { HOUSEHOLD_TAG } from "./household-card.js";

export const HOUSEHOLD_SCHEMA = [
  { name: "entry", selector: { config_entry: { integration: "price_optimizer" } } },
  { name: "title", selector: { text: {} } },
];

export class PriceOptimizerHouseholdCardEditor extends CardEditor {
  static schema = HOUSEHOLD_SCHEMA;
  static cardTag = HOUSEHOLD_TAG;
}

// The card's texts, keyed by language; a language without a table falls back to English.
// Messages of the integration itself (why a run is blocked) come translated from the backend.

export const STRINGS = {
  en: {
    title: "Price plan",
    market: "Market price",
    forecast: "Forecast",
    band: "Forecast band",
    now: "Now",
    load: "Planned load",
    limit: "Household limit",
    limit_value: "Limit {kw} kW",
    start: "Start",
    end: "End",
    cost: "Cost",
    savings: "Savings",
    baseline: "Running at once",
    energy: "Energy",
    power: "Power",
    status: "Status",
    reason: "Reason",
    due: "Due",
    window_start: "Window opens",
    close: "Close",
    loading: "Loading the plan…",
    no_entry: "No Price Optimizer entry is loaded.",
    no_plan: "No plan yet: {error}",
    no_runs: "Nothing planned",
    blocked: "Not planned",
    "status.scheduled": "Scheduled",
    "status.running": "Running",
    "status.blocked": "Blocked",
    "status.idle": "Idle",
    "status.done": "Done",
    "editor.config_entry": "Price Optimizer entry (empty: the only one)",
    "editor.title": "Title",
    "editor.hours_ahead": "Hours ahead",
    "editor.show_forecast": "Show forecast prices and band",
    "editor.show_load": "Show planned load and household limit",
    "editor.show_appliances": "Show appliance runs",
    "editor.entry": "Price Optimizer entry (empty: every entry)",
    "household.title": "Appliances",
    "household.next_run": "Next run",
    "household.planned_cost": "Planned cost",
    "household.expected_savings": "Expected savings",
    "household.realised_savings": "Saved so far",
    "household.automatic_control": "Automatic control",
    "household.none": "No appliances yet: add one with the entry's Add appliance.",
    "unit.kw": "{value} kW",
    "unit.kwh": "{value} kWh",
  },
};

/** The text for `key` in the user's language, with `{name}` placeholders filled in. */
export function localize(language, key, values = {}) {
  const table = STRINGS[language] ?? STRINGS[String(language).split("-")[0]] ?? STRINGS.en;
  const text = table[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) =>
    name in values ? String(values[name]) : match,
  );
}

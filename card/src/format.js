// Times and money as the user reads them: in the zone and language Home Assistant's profile says.

/** The zone to show times in: the browser's, or the server's when the profile says so. */
export function timeZoneOf(hass) {
  if (hass?.locale?.time_zone === "server" && hass.config?.time_zone) return hass.config.time_zone;
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function languageOf(hass) {
  return hass?.locale?.language || hass?.language || "en";
}

/** Minutes the zone is ahead of UTC at the moment `t` (ms). */
export function zoneOffsetMinutes(timeZone, t) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(t));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((local - Math.floor(t / 1000) * 1000) / 60_000);
}

/** How the user reads a time: language, zone, and the 12 or 24 hour clock of the profile. */
export function clockOf(hass) {
  const format = hass?.locale?.time_format;
  const clock = { language: languageOf(hass), timeZone: timeZoneOf(hass) };
  if (format === "12" || format === "24") clock.hour12 = format === "12";
  return clock;
}

export function formatTime(t, clock) {
  return new Intl.DateTimeFormat(clock.language, {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: clock.timeZone,
    hour12: clock.hour12,
  }).format(new Date(t));
}

/** Whether `t` is a local midnight: the timeline names the day there instead of the hour. */
export function isLocalMidnight(t, timeZone) {
  return (t + zoneOffsetMinutes(timeZone, t) * 60_000) % 86_400_000 === 0;
}

export function formatWeekday(t, clock) {
  return new Intl.DateTimeFormat(clock.language, { weekday: "short", timeZone: clock.timeZone }).format(
    new Date(t),
  );
}

export function formatDateTime(t, clock) {
  return new Intl.DateTimeFormat(clock.language, {
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: clock.timeZone,
    hour12: clock.hour12,
  }).format(new Date(t));
}

export function formatMoney(value, currency, language, digits = 2) {
  if (typeof value !== "number") return "–";
  try {
    return new Intl.NumberFormat(language, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency}`;
  }
}

export function formatNumber(value, language, digits = 2) {
  if (typeof value !== "number") return "–";
  return new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value);
}

// The household's appliances as Home Assistant's registries hold them: one device per appliance,
// its entities told apart by their translation keys, so names and entity ids may be anything.

export const DOMAIN = "price_optimizer";

// The translation keys of an appliance's entities (sensor.py, binary_sensor.py, switch.py).
export const APPLIANCE_ENTITIES = [
  "status",
  "next_start",
  "next_end",
  "planned_cost",
  "expected_savings",
  "realised_savings",
  "run_now",
  "automatic_control",
];

/**
 * Every appliance device of the entry (of every entry without one), sorted by name: the device's
 * id and name and, for each translation key above, the id of its entity. A device is an appliance
 * when it has a status entity; the entry's own service device has none.
 */
export function appliancesOf(hass, entryId) {
  const devices = hass?.devices ?? {};
  const byDevice = new Map();
  for (const entity of Object.values(hass?.entities ?? {})) {
    if (entity.platform !== DOMAIN || !entity.device_id) continue;
    if (!APPLIANCE_ENTITIES.includes(entity.translation_key)) continue;
    const device = devices[entity.device_id];
    if (!device || (entryId && !(device.config_entries ?? []).includes(entryId))) continue;
    if (!byDevice.has(entity.device_id)) byDevice.set(entity.device_id, {});
    byDevice.get(entity.device_id)[entity.translation_key] = entity.entity_id;
  }
  const appliances = [];
  for (const [deviceId, entities] of byDevice) {
    if (!entities.status) continue;
    const device = devices[deviceId];
    appliances.push({ deviceId, name: device.name_by_user || device.name || deviceId, entities });
  }
  return appliances.sort((a, b) => a.name.localeCompare(b.name));
}

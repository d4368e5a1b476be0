/**
 * Device event types that name the same event. Firmware differs in which name it sends, so a rule
 * naming either one selects both. Each pair has a public source (see docs/device-push.md):
 * - `VMD` / `motiondetection`, `shelteralarm` / `tamperdetection`: hikvision_next `EVENTS_ALTERNATE_ID`
 *   (the trigger is configured under one name and pushed under the other);
 * - `thermometry` / `TMA`: listed in docs/device-push.md. `TMA` is the "Temperature Measurement
 *   Alarm" of the thermometry function (it carries thermometry fields: `thermometryUnit`,
 *   `currTemperature`). Its pre-alarm `TMPA` is a different event and stays apart. (hikvision_next
 *   instead folds `thermometry` into motion; we follow the project's doc.)
 * Names are kept lower-case here; comparisons are case-insensitive.
 */
const ALIAS_GROUPS: readonly (readonly string[])[] = [
  ['vmd', 'motiondetection'],
  ['shelteralarm', 'tamperdetection'],
  ['thermometry', 'tma'],
];

const groupOf = new Map<string, readonly string[]>();
for (const group of ALIAS_GROUPS) for (const name of group) groupOf.set(name, group);

/** Every lower-case name the event type goes by, itself first. */
export function aliasesOf(eventType: string): readonly string[] {
  const lower = eventType.trim().toLowerCase();
  return groupOf.get(lower) ?? [lower];
}

/** One lower-case name per alias group: the same event under either name gets the same key. */
export function canonicalEventType(eventType: string): string {
  const lower = eventType.trim().toLowerCase();
  return groupOf.get(lower)?.[0] ?? lower;
}

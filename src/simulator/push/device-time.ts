/** Device clock strings: `2026-11-20T08:15:42+08:00`, in the device's own time zone. */

/** Factory default time zone of many devices (UTC+8), which users often never change. */
export const DEFAULT_TZ_MINUTES = 8 * 60;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatDeviceTime(date: Date, tzMinutes = DEFAULT_TZ_MINUTES): string {
  const local = new Date(date.getTime() + tzMinutes * 60_000);
  const sign = tzMinutes < 0 ? '-' : '+';
  const offset = Math.abs(tzMinutes);
  return (
    `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}` +
    `T${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}` +
    `${sign}${two(Math.floor(offset / 60))}:${two(offset % 60)}`
  );
}

/** `20260807104530501`: the compact stamp ANPR and face cameras put in absTime and pId. */
export function compactTime(date: Date, tzMinutes = DEFAULT_TZ_MINUTES): string {
  return formatDeviceTime(date, tzMinutes).replace(/[^0-9]/g, '').slice(0, 14) + String(date.getUTCMilliseconds()).padStart(3, '0');
}

// How the console writes times and durations.

/** Unix seconds as the local time of day. */
export const time = (unix: number) =>
  new Date(unix * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Unix seconds as the local date and time. */
export const dateTime = (unix: number) => new Date(unix * 1000).toLocaleString();

/** An RFC 3339 time as the local weekday and hour: "Tue 14:00". */
export const hourOf = (rfc3339: string) =>
  new Date(rfc3339).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

// Live updates: the server's change events (/api/v1/events, server-sent
// events) delivered to whichever view is listening. One connection serves
// the whole console; the browser reconnects it by itself.

import { useCallback, useEffect } from "preact/hooks";

export interface Change {
  type: string;
  [key: string]: unknown;
}

type Listener = (change: Change | "lagged") => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;

export function connect(): void {
  if (source) return;
  source = new EventSource("/api/v1/events");
  source.onmessage = (message) => {
    const change = JSON.parse(message.data) as Change;
    listeners.forEach((listener) => listener(change));
  };
  source.addEventListener("lagged", () => listeners.forEach((listener) => listener("lagged")));
}

export function disconnect(): void {
  source?.close();
  source = null;
}

/** Calls `listener` for every change while the component is shown. */
export function useChanges(listener: Listener): void {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}

/** Runs `load` when the component is shown and again whenever a change of
 * type `type` (or of any of the types) arrives, or changes may have been
 * missed. */
export function useLoaded(load: () => void, type: string | string[]): void {
  useEffect(() => {
    load();
  }, [load]);
  useChanges(
    useCallback(
      (change) => {
        const types = Array.isArray(type) ? type : [type];
        if (change === "lagged" || types.includes(change.type)) load();
      },
      [load, type],
    ),
  );
}

// What a list page keeps: the list as the API last served it, read again
// whenever a change of its type arrives; the message of the last failure;
// and the one row, if any, asking to confirm its deletion.

import { useCallback, useState } from "preact/hooks";
import { useLoaded } from "./live";

export function useLoadedList<T>(read: () => Promise<T[]>, changed: string | string[]) {
  const [list, setList] = useState<T[] | null>(null);
  const [error, setError] = useState("");
  const [deleting, setDeleting] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setList(await read());
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [read]);

  useLoaded(load, changed);

  /** Runs `action` (a deletion, say), then reads the list again or shows
   * why it failed; either way, no row asks any more. */
  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setDeleting(null);
      load();
    } catch (e) {
      setDeleting(null);
      setError((e as Error).message);
    }
  };

  return { list, error, load, deleting, setDeleting, act };
}

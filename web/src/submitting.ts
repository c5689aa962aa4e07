// Sending a form: busy while the server answers, and its refusal kept to
// be shown beside the field it names, or at the form's foot.

import { useState } from "preact/hooks";
import { ApiError } from "./api";
import { fieldErrors } from "./fieldErrors";

/** `shown`: the fields the form shows (see fieldErrors). */
export function useSubmit(shown: string[]) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  /** Runs `send`; once it has succeeded, forgets the last refusal and calls `done`. */
  const submit = async (send: () => Promise<unknown>, done: () => void) => {
    setBusy(true);
    try {
      await send();
      setError(null);
      done();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return { errors: fieldErrors(error, shown), busy, submit, setError };
}

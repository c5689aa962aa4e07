// The server's answer to a form, shown where it belongs: beside the field
// it names (a field inside a list, such as `members[1].ring_time`, counts
// as the list's), or at the foot of the form when no shown field matches.

import type { ApiError } from "./api";

const concerns = (field: string | undefined, key: string) =>
  field !== undefined && (field === key || field.startsWith(`${key}.`) || field.startsWith(`${key}[`));

export function fieldErrors(error: ApiError | null, shown: string[]) {
  const at = (key: string) => concerns(error?.field, key);
  return {
    /** The message about `key`, if it is at fault. */
    message: (key: string) =>
      error && at(key) ? (
        <span class="field-error" id={`${key}-error`} role="alert">
          {error.message.replace(`${error.field}: `, "")}
        </span>
      ) : null,
    /** The attributes marking `key`'s input at fault. */
    invalid: (key: string) => (at(key) ? { "aria-invalid": true, "aria-describedby": `${key}-error` } : {}),
    /** The message about no shown field, if any. */
    rest: error && !shown.some(at) ? <p class="error" role="alert">{error.message}</p> : null,
  };
}

export type FieldErrors = ReturnType<typeof fieldErrors>;

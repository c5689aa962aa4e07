// The fields every call flow object's form starts with: its name (its key,
// fixed once created), its internal number (unless its kind has none, as
// the phone network's objects) and its display name, both optional; and
// how the forms' empty inputs become the API's nulls.

import type { FieldErrors } from "./fieldErrors";

export interface Identity {
  name: string;
  number: string;
  display_name: string;
}

/** What every call flow object has: its name and numbers (no internal
 * number for the kinds that have none). */
export interface FlowObject {
  name: string;
  number?: string | null;
  display_name: string | null;
}

export const IDENTITY = ["name", "number", "display_name"];

export function identityOf(object: FlowObject | null): Identity {
  return { name: object?.name ?? "", number: object?.number ?? "", display_name: object?.display_name ?? "" };
}

/** An input's text as an optional value: empty is null. */
export const optional = (text: string) => (text.trim() === "" ? null : text.trim());

/** A number input's value: empty is null. */
export const optionalNumber = (text: string) => (text === "" ? null : Number(text));

/** The identity as the API takes it; `numbered`: whether the kind has an internal number. */
export function identityBody(fields: Identity, numbered: boolean): FlowObject {
  const name = fields.name.trim();
  const display_name = optional(fields.display_name);
  return numbered ? { name, number: optional(fields.number), display_name } : { name, display_name };
}

interface Props {
  /** The form's state (see flowForm). */
  form: {
    original: FlowObject | null;
    numbered: boolean;
    identity: Identity;
    setIdentity: (identity: Identity) => void;
    errors: FieldErrors;
  };
}

const FIELDS: { key: keyof Identity; label: string; hint: string }[] = [
  { key: "name", label: "Name", hint: "lowercase letters, digits, - and _" },
  { key: "number", label: "Number", hint: "none, if left empty" },
  { key: "display_name", label: "Display name", hint: "none, if left empty" },
];

export function NameFields({ form }: Props) {
  const { identity, errors } = form;
  return (
    <>
      {FIELDS.filter(({ key }) => key !== "number" || form.numbered).map(({ key, label, hint }) => (
        <div class="field" key={key}>
          <label for={`field-${key}`}>{label}</label>
          <input id={`field-${key}`} name={key} value={identity[key]} placeholder={hint}
            required={key === "name"} disabled={key === "name" && form.original !== null} {...errors.invalid(key)}
            onInput={(e) => form.setIdentity({ ...identity, [key]: e.currentTarget.value })} />
          {errors.message(key)}
        </div>
      ))}
    </>
  );
}

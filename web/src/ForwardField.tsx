// One of an extension's forwarding rules in its form: nowhere, voicemail,
// another extension or an external number, and then which number. The
// server checks the number and names the rule at fault.

import type { ComponentChildren } from "preact";
import type { Forward, ForwardWhen } from "./extensions";

type Target = "none" | "voicemail" | "extension" | "external";

interface Props {
  when: ForwardWhen;
  label: string;
  value: Forward;
  onChange: (value: Forward) => void;
  invalid: { "aria-invalid"?: boolean; "aria-describedby"?: string };
  /** The server's message about this rule, if any. */
  children: ComponentChildren;
}

export function ForwardField({ when, label, value, onChange, invalid, children }: Props) {
  const [target, ...rest] = value.split(":");
  const number = rest.join(":");
  const choose = (next: Target) =>
    onChange(next === "extension" || next === "external" ? `${next}:${number}` : next);

  return (
    <div class="field">
      <label for={`field-${when}`}>{label}</label>
      <select id={`field-${when}`} name={when} value={target} {...invalid}
        onChange={(e) => choose(e.currentTarget.value as Target)}>
        <option value="none">Don't forward</option>
        <option value="voicemail">Voicemail</option>
        <option value="extension">Extension</option>
        <option value="external">External number</option>
      </select>
      {(target === "extension" || target === "external") && (
        <input name={`${when}_number`} aria-label={`${label}: number`} value={number} {...invalid}
          placeholder={target === "extension" ? "extension number" : "phone number"}
          onInput={(e) => onChange(`${target}:${e.currentTarget.value.trim()}`)} />
      )}
      {children}
    </div>
  );
}

// Where a call goes next, in a form: a kind (extension, ring group, IVR,
// schedule, voicemail, announcement, external number, hang up) and, for
// all but hang up, its target, picked from the suggestions or typed. With
// `emptyLabel`, the field may also be left empty (null).

import type { ComponentChildren } from "preact";
import { format, KINDS, parse, type Kind } from "./destinations";
import { listId } from "./targets";

interface Props {
  id: string;
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  /** What leaving the field empty means; without it, it may not be. */
  emptyLabel?: string;
  invalid: { "aria-invalid"?: boolean; "aria-describedby"?: string };
  /** The server's message about this field, if any. */
  children?: ComponentChildren;
}

export function DestinationField({ id, label, value, onChange, emptyLabel, invalid, children }: Props) {
  const { kind, target }: { kind: Kind | ""; target: string } = value === null ? { kind: "", target: "" } : parse(value);
  const needs = KINDS.find((k) => k.kind === kind)?.target;
  const choose = (next: string) => onChange(next === "" ? null : format(next as Kind, target));

  return (
    <div class="field destination">
      <label for={id}>{label}</label>
      <div class="pick">
        <select id={id} name={id} value={kind} {...invalid} onChange={(e) => choose(e.currentTarget.value)}>
          {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>{k.label}</option>
          ))}
        </select>
        {needs && (
          <input name={`${id}_target`} aria-label={`${label}: target`} value={target} placeholder={needs}
            list={listId(kind as Kind)} {...invalid}
            onInput={(e) => onChange(format(kind as Kind, e.currentTarget.value.trim()))} />
        )}
      </div>
      {children}
    </div>
  );
}

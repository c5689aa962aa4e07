// Creating or editing one outbound rule: its name and priority, the dial
// patterns it matches, the digits stripped and prepended, who may use it,
// the trunks tried in order, the caller ID presented, and whether it is
// for emergency or international numbers. The server validates; its
// message is shown beside the field it names.

import { FlowEditor } from "./FlowEditor";
import { useFlowForm, type EditorProps, type Own } from "./flowForm";
import { items } from "./lists";
import { NameFields } from "./NameFields";
import * as outboundRules from "./outboundRules";
import type { OutboundRule } from "./outboundRules";

/** The lists as typed, separated by commas. */
type Listed = "patterns" | "allowed" | "trunks";

type Fields = Omit<Own<OutboundRule>, Listed> & Record<Listed, string>;

function fieldsOf(rule: OutboundRule | null): Fields {
  return {
    priority: rule?.priority ?? 100,
    patterns: (rule?.patterns ?? []).join(", "),
    strip: rule?.strip ?? 0,
    prepend: rule?.prepend ?? "",
    allowed: (rule?.allowed ?? []).join(", "),
    trunks: (rule?.trunks ?? []).join(", "),
    caller_id: rule?.caller_id ?? "extension",
    emergency: rule?.emergency ?? false,
    international: rule?.international ?? false,
  };
}

const TEXTS: { key: Listed | "prepend"; label: string; hint: string }[] = [
  { key: "patterns", label: "Patterns", hint: "0[1-9]XXXXXXXX, 00., 112" },
  { key: "prepend", label: "Prepend", hint: "nothing, if left empty (+49)" },
  { key: "allowed", label: "Who may use it", hint: "everyone, if left empty (1001, ring_group:sales)" },
  { key: "trunks", label: "Trunks, in order", hint: "tried in this order: provider, backup" },
];

const NUMBERS: { key: "priority" | "strip"; label: string; min: number; max?: number }[] = [
  { key: "priority", label: "Priority (lower first)", min: 0 },
  { key: "strip", label: "Strip (digits)", min: 0, max: 15 },
];

const CHECKS: { key: "emergency" | "international"; label: string }[] = [
  { key: "emergency", label: "Emergency numbers (first, for everyone)" },
  { key: "international", label: "International (only extensions that may call abroad)" },
];

/** Whether the caller ID is one of the named choices, or a number. */
const named = (callerId: string) => outboundRules.CALLER_IDS.some((c) => c.caller_id === callerId);

export function OutboundRuleForm(props: EditorProps<OutboundRule>) {
  const form = useFlowForm(outboundRules, props, fieldsOf);
  const { fields, set, errors } = form;

  const submit = () =>
    form.save({
      ...fields,
      patterns: items(fields.patterns),
      prepend: fields.prepend.trim(),
      allowed: items(fields.allowed),
      trunks: items(fields.trunks),
      caller_id: fields.caller_id.trim(),
    });

  return (
    <FlowEditor noun="outbound rule" form={form} onSubmit={submit}>
      <div class="grid">
        <NameFields form={form} />
        {NUMBERS.map(({ key, label, min, max }) => (
          <div class="field" key={key}>
            <label for={`field-${key}`}>{label}</label>
            <input id={`field-${key}`} name={key} type="number" min={min} max={max} value={fields[key]}
              {...errors.invalid(key)} onInput={(e) => set(key, Number(e.currentTarget.value))} />
            {errors.message(key)}
          </div>
        ))}
        {TEXTS.map(({ key, label, hint }) => (
          <div class="field" key={key}>
            <label for={`field-${key}`}>{label}</label>
            <input id={`field-${key}`} name={key} value={fields[key]} placeholder={hint}
              required={key === "patterns" || key === "trunks"} {...errors.invalid(key)}
              onInput={(e) => set(key, e.currentTarget.value)} />
            {errors.message(key)}
          </div>
        ))}
        <div class="field">
          <label for="field-caller_id">Caller ID</label>
          <select id="field-caller_id" name="caller_id" value={named(fields.caller_id) ? fields.caller_id : ""}
            {...errors.invalid("caller_id")} onChange={(e) => set("caller_id", e.currentTarget.value)}>
            {outboundRules.CALLER_IDS.map(({ caller_id, label }) => (
              <option key={caller_id} value={caller_id}>{label}</option>
            ))}
            <option value="">This number</option>
          </select>
          {!named(fields.caller_id) && (
            <input name="caller_id_number" aria-label="Caller ID: number" placeholder="+4930123456"
              value={fields.caller_id} {...errors.invalid("caller_id")}
              onInput={(e) => set("caller_id", e.currentTarget.value)} />
          )}
          {errors.message("caller_id")}
        </div>
        {CHECKS.map(({ key, label }) => (
          <div class="field check" key={key}>
            <label class="check">
              <input name={key} type="checkbox" checked={fields[key]} {...errors.invalid(key)}
                onChange={(e) => set(key, e.currentTarget.checked)} />
              {label}
            </label>
            {errors.message(key)}
          </div>
        ))}
      </div>
    </FlowEditor>
  );
}

// Creating or editing one extension: its identity, limits (calls at once,
// calls abroad, outbound calls per hour), recording, do not disturb,
// forwarding and voicemail email. The server validates;
// its answer names the field at fault, and the message is shown beside
// that field.

import { useState } from "preact/hooks";
import { ApiError } from "./api";
import * as extensions from "./extensions";
import type { Extension, ExtensionFields, ForwardWhen } from "./extensions";
import { ForwardField } from "./ForwardField";

interface Props {
  extension: Extension | null;
  onDone: () => void;
  onCancel: () => void;
}

function fieldsOf(ext: Extension | null): ExtensionFields {
  return {
    number: ext?.number ?? "",
    display_name: ext?.display_name ?? "",
    auth_name: ext?.auth_name ?? "",
    email: ext?.email ?? "",
    voicemail_pin: ext?.voicemail_pin ?? "",
    enabled: ext?.enabled ?? true,
    outbound_caller_id: ext?.outbound_caller_id ?? "",
    call_limit: ext?.call_limit ?? 2,
    recording: ext?.recording ?? "never",
    dnd: ext?.dnd ?? false,
    forward_always: ext?.forward_always ?? "none",
    forward_busy: ext?.forward_busy ?? "voicemail",
    forward_no_answer: ext?.forward_no_answer ?? "voicemail",
    forward_unregistered: ext?.forward_unregistered ?? "voicemail",
    ring_time: ext?.ring_time ?? null,
    voicemail_email: ext?.voicemail_email ?? "off",
    international_calls: ext?.international_calls ?? false,
    outbound_calls_per_hour: ext?.outbound_calls_per_hour ?? null,
  };
}

type TextField = Exclude<
  keyof ExtensionFields,
  | "enabled"
  | "call_limit"
  | "recording"
  | "dnd"
  | ForwardWhen
  | "ring_time"
  | "voicemail_email"
  | "international_calls"
  | "outbound_calls_per_hour"
>;

const TEXT_FIELDS: { key: TextField; label: string; hint?: string }[] = [
  { key: "number", label: "Number", hint: "2 to 10 digits" },
  { key: "display_name", label: "Name" },
  { key: "auth_name", label: "SIP auth name", hint: "the number, if left empty" },
  { key: "email", label: "Email" },
  { key: "voicemail_pin", label: "Voicemail PIN", hint: "generated, if left empty" },
  { key: "outbound_caller_id", label: "Outbound caller ID" },
];

const FORWARDS: { key: ForwardWhen; label: string }[] = [
  { key: "forward_always", label: "Forward every call" },
  { key: "forward_busy", label: "Forward when busy" },
  { key: "forward_no_answer", label: "Forward when not answered" },
  { key: "forward_unregistered", label: "Forward when no phone is registered" },
];

const SHOWN = new Set<string>([
  ...TEXT_FIELDS.map((f) => f.key),
  ...FORWARDS.map((f) => f.key),
  "call_limit",
  "recording",
  "ring_time",
  "voicemail_email",
  "outbound_calls_per_hour",
]);

export function ExtensionForm({ extension, onDone, onCancel }: Props) {
  const [fields, setFields] = useState(fieldsOf(extension));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof ExtensionFields>(key: K, value: ExtensionFields[K]) =>
    setFields({ ...fields, [key]: value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      if (extension) await extensions.update(extension, fields);
      else await extensions.create(fields);
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (key: string) =>
    error?.field === key ? (
      <span class="field-error" id={`${key}-error`} role="alert">
        {error.message.replace(`${key}: `, "")}
      </span>
    ) : null;
  const invalid = (key: string) =>
    error?.field === key ? { "aria-invalid": true, "aria-describedby": `${key}-error` } : {};

  return (
    <form class="card editor" onSubmit={submit} aria-label={extension ? `Edit ${extension.number}` : "New extension"}>
      <h2>{extension ? `Edit extension ${extension.number}` : "New extension"}</h2>
      <div class="grid">
        {TEXT_FIELDS.map(({ key, label, hint }) => (
          <div class="field" key={key}>
            <label for={`field-${key}`}>{label}</label>
            <input id={`field-${key}`} name={key} value={fields[key]} placeholder={hint}
              required={key === "number" || key === "display_name"} {...invalid(key)}
              onInput={(e) => set(key, e.currentTarget.value)} />
            {fieldError(key)}
          </div>
        ))}
        <div class="field">
          <label for="field-call_limit">Simultaneous calls</label>
          <input id="field-call_limit" name="call_limit" type="number" min={1} max={100}
            value={fields.call_limit} {...invalid("call_limit")}
            onInput={(e) => set("call_limit", Number(e.currentTarget.value))} />
          {fieldError("call_limit")}
        </div>
        <div class="field">
          <label for="field-outbound_calls_per_hour">Outbound calls per hour</label>
          <input id="field-outbound_calls_per_hour" name="outbound_calls_per_hour" type="number" min={1} max={10000}
            placeholder="no limit" value={fields.outbound_calls_per_hour ?? ""} {...invalid("outbound_calls_per_hour")}
            onInput={(e) =>
              set("outbound_calls_per_hour", e.currentTarget.value === "" ? null : Number(e.currentTarget.value))} />
          {fieldError("outbound_calls_per_hour")}
        </div>
        <div class="field">
          <label for="field-recording">Call recording</label>
          <select id="field-recording" name="recording" value={fields.recording} {...invalid("recording")}
            onChange={(e) => set("recording", e.currentTarget.value as extensions.Recording)}>
            <option value="never">Never</option>
            <option value="always">Every call</option>
            <option value="on_demand">When asked during a call</option>
          </select>
          {fieldError("recording")}
        </div>
        <div class="field">
          <label for="field-ring_time">Ring time (seconds)</label>
          <input id="field-ring_time" name="ring_time" type="number" min={5} max={300} placeholder="server default"
            value={fields.ring_time ?? ""} {...invalid("ring_time")}
            onInput={(e) => set("ring_time", e.currentTarget.value === "" ? null : Number(e.currentTarget.value))} />
          {fieldError("ring_time")}
        </div>
        {FORWARDS.map(({ key, label }) => (
          <ForwardField key={key} when={key} label={label} value={fields[key]}
            onChange={(value) => set(key, value)} invalid={invalid(key)}>
            {fieldError(key)}
          </ForwardField>
        ))}
        <div class="field">
          <label for="field-voicemail_email">Voicemail by email</label>
          <select id="field-voicemail_email" name="voicemail_email" value={fields.voicemail_email}
            {...invalid("voicemail_email")}
            onChange={(e) => set("voicemail_email", e.currentTarget.value as extensions.VoicemailEmail)}>
            <option value="off">Off</option>
            <option value="send_and_keep">Email and keep</option>
            <option value="send_and_delete">Email and delete</option>
          </select>
          {fieldError("voicemail_email")}
        </div>
        <label class="check">
          <input name="enabled" type="checkbox" checked={fields.enabled}
            onChange={(e) => set("enabled", e.currentTarget.checked)} />
          Enabled
        </label>
        <label class="check">
          <input name="dnd" type="checkbox" checked={fields.dnd}
            onChange={(e) => set("dnd", e.currentTarget.checked)} />
          Do not disturb
        </label>
        <label class="check">
          <input name="international_calls" type="checkbox" checked={fields.international_calls}
            onChange={(e) => set("international_calls", e.currentTarget.checked)} />
          May call abroad
        </label>
      </div>
      {error && !SHOWN.has(error.field ?? "") && <p class="error" role="alert">{error.message}</p>}
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>{extension ? "Save" : "Create"}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

// Creating or editing one IVR: its name and number, the greeting callers
// hear, where each key leads, whether an extension's number may be typed
// instead, how long it waits and how often it asks, and where the caller
// goes when no key was pressed. The server validates; its message is
// shown beside the field it names.

import { ApiError } from "./api";
import { DestinationField } from "./DestinationField";
import { FlowEditor } from "./FlowEditor";
import { useFlowForm, type EditorProps, type Own } from "./flowForm";
import * as ivrs from "./ivrs";
import type { Ivr } from "./ivrs";
import { replaced, without } from "./lists";
import { NameFields } from "./NameFields";

interface Option {
  key: string;
  destination: string;
}

/** The options as the rows the form shows. */
type Fields = Omit<Own<Ivr>, "options"> & { options: Option[] };

function fieldsOf(ivr: Ivr | null): Fields {
  return {
    greeting: ivr?.greeting ?? "",
    options: Object.entries(ivr?.options ?? {}).map(([key, destination]) => ({ key, destination })),
    dial_extension: ivr?.dial_extension ?? false,
    extension_length: ivr?.extension_length ?? 4,
    timeout: ivr?.timeout ?? 5,
    repeats: ivr?.repeats ?? 3,
    fallback: ivr?.fallback ?? "hangup",
  };
}

const NUMBERS: { key: "extension_length" | "timeout" | "repeats"; label: string; min: number; max: number }[] = [
  { key: "extension_length", label: "Extension length (digits)", min: 2, max: 10 },
  { key: "timeout", label: "Wait for a key (seconds)", min: 1, max: 60 },
  { key: "repeats", label: "Greeting plays (times)", min: 1, max: 10 },
];

export function IvrForm(props: EditorProps<Ivr>) {
  const form = useFlowForm(ivrs, props, fieldsOf);
  const { fields, set, targets, errors } = form;
  const sounds = targets.sound.includes(fields.greeting) || fields.greeting === ""
    ? targets.sound
    : [fields.greeting, ...targets.sound];

  const setOption = (index: number, option: Option) => set("options", replaced(fields.options, index, option));
  const addOption = () => {
    const key = ivrs.KEYS.find((k) => !fields.options.some((o) => o.key === k)) ?? "1";
    set("options", [...fields.options, { key, destination: "extension:" }]);
  };

  const submit = () => {
    const twice = fields.options.find((o, i) => fields.options.findIndex((p) => p.key === o.key) !== i);
    if (twice) {
      form.setError(new ApiError(0, `key ${twice.key} is given twice`, "options"));
      return;
    }
    const { options, ...rest } = fields;
    form.save({ ...rest, options: Object.fromEntries(options.map((o) => [o.key, o.destination])) });
  };

  return (
    <FlowEditor noun="IVR" form={form} onSubmit={submit}>
      <div class="grid">
        <NameFields form={form} />
        <div class="field">
          <label for="field-greeting">Greeting</label>
          <select id="field-greeting" name="greeting" value={fields.greeting} required {...errors.invalid("greeting")}
            onChange={(e) => set("greeting", e.currentTarget.value)}>
            <option value="">Choose a sound</option>
            {sounds.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </select>
          {errors.message("greeting")}
        </div>
        <label class="check">
          <input name="dial_extension" type="checkbox" checked={fields.dial_extension}
            onChange={(e) => set("dial_extension", e.currentTarget.checked)} />
          Callers may dial an extension
        </label>
        {NUMBERS.map(({ key, label, min, max }) => (
          <div class="field" key={key}>
            <label for={`field-${key}`}>{label}</label>
            <input id={`field-${key}`} name={key} type="number" min={min} max={max} value={fields[key]}
              disabled={key === "extension_length" && !fields.dial_extension} {...errors.invalid(key)}
              onInput={(e) => set(key, Number(e.currentTarget.value))} />
            {errors.message(key)}
          </div>
        ))}
        <DestinationField id="field-fallback" label="When no key is pressed" value={fields.fallback}
          onChange={(value) => set("fallback", value ?? "hangup")} invalid={errors.invalid("fallback")}>
          {errors.message("fallback")}
        </DestinationField>
      </div>
      <fieldset class="rows options">
        <legend>Options</legend>
        {fields.options.map((option, i) => (
          <div class="row" key={i} data-row={i}>
            <div class="field">
              <label for={`option-${i}-key`}>Key</label>
              <select id={`option-${i}-key`} name={`option-${i}-key`} value={option.key}
                onChange={(e) => setOption(i, { ...option, key: e.currentTarget.value })}>
                {ivrs.KEYS.map((k) => (
                  <option key={k} value={k}>{k}</option>
                ))}
              </select>
            </div>
            <DestinationField id={`option-${i}`} label="Goes to" value={option.destination}
              onChange={(value) => setOption(i, { ...option, destination: value ?? "hangup" })}
              invalid={errors.invalid("options")} />
            <button type="button" class="small" aria-label={`Remove key ${option.key}`}
              onClick={() => set("options", without(fields.options, i))}>Remove</button>
          </div>
        ))}
        {fields.options.length === 0 && <p class="muted">No options yet.</p>}
        <button type="button" onClick={addOption} disabled={fields.options.length === ivrs.KEYS.length}>
          Add option
        </button>
        {errors.message("options")}
      </fieldset>
    </FlowEditor>
  );
}

// Creating or editing one DID: its name, the public numbers it lists (one
// per line, exact or a range) and where their calls go. The server
// validates; its message is shown beside the field it names.

import { DestinationField } from "./DestinationField";
import * as dids from "./dids";
import type { Did } from "./dids";
import { FlowEditor } from "./FlowEditor";
import { useFlowForm, type EditorProps, type Own } from "./flowForm";
import { items } from "./lists";
import { NameFields } from "./NameFields";

/** The numbers as typed, one per line. */
type Fields = Omit<Own<Did>, "numbers"> & { numbers: string };

function fieldsOf(did: Did | null): Fields {
  return {
    numbers: (did?.numbers ?? []).join("\n"),
    destination: did?.destination ?? "extension:",
  };
}

export function DidForm(props: EditorProps<Did>) {
  const form = useFlowForm(dids, props, fieldsOf);
  const { fields, set, errors } = form;

  const submit = () => form.save({ ...fields, numbers: items(fields.numbers) });

  return (
    <FlowEditor noun="DID" form={form} onSubmit={submit}>
      <div class="grid">
        <NameFields form={form} />
        <div class="field">
          <label for="field-numbers">Numbers</label>
          <textarea id="field-numbers" name="numbers" rows={3} value={fields.numbers} required
            placeholder={"+4930123456\n+4930123400..+4930123499"} {...errors.invalid("numbers")}
            onInput={(e) => set("numbers", e.currentTarget.value)} />
          {errors.message("numbers")}
        </div>
        <DestinationField id="field-destination" label="Calls go to" value={fields.destination}
          onChange={(value) => set("destination", value ?? "hangup")} invalid={errors.invalid("destination")}>
          {errors.message("destination")}
        </DestinationField>
      </div>
    </FlowEditor>
  );
}

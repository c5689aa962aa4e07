// The frame of a call flow object's form: titled "New …" or "Edit … name",
// with the suggestions its destination fields offer, then its fields, the
// server's message that no field shows, and Create (or Save) and Cancel.

import type { ComponentChildren } from "preact";
import type { FieldErrors } from "./fieldErrors";
import type { FlowObject } from "./NameFields";
import { TargetLists, type Targets } from "./targets";

interface Props {
  /** What the object is: "IVR", "ring group". */
  noun: string;
  /** The form's state (see flowForm). */
  form: { original: FlowObject | null; targets: Targets; errors: FieldErrors; busy: boolean; cancel: () => void };
  onSubmit: () => void;
  children: ComponentChildren;
}

export function FlowEditor({ noun, form, onSubmit, children }: Props) {
  const { original } = form;
  const title = original ? `Edit ${noun} ${original.name}` : `New ${noun}`;
  const submit = (event: Event) => {
    event.preventDefault();
    onSubmit();
  };

  return (
    <form class="card editor" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      <TargetLists targets={form.targets} />
      {children}
      {form.errors.rest}
      <div class="buttons">
        <button type="submit" class="primary" disabled={form.busy}>{original ? "Save" : "Create"}</button>
        <button type="button" onClick={form.cancel}>Cancel</button>
      </div>
    </form>
  );
}

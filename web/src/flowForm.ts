// What the form of a call flow object (ring group, IVR, schedule) keeps:
// the object's name and numbers, its own fields, what its destinations may
// name, and sending it to the server, created or changed.

import { useState } from "preact/hooks";
import { IDENTITY, identityBody, identityOf, type FlowObject, type Identity } from "./NameFields";
import { useSubmit } from "./submitting";
import { useTargets } from "./targets";

/** A form's props: the object as it was read (null for a new one), and
 * what to do once it is saved, or instead. */
export interface EditorProps<T> {
  original: T | null;
  onDone: () => void;
  onCancel: () => void;
}

/** An object's fields besides its name and numbers, and the times the server keeps. */
export type Own<T> = Omit<T, keyof FlowObject | "created_at" | "updated_at">;

interface Store<T> {
  create(fields: Partial<T>): Promise<T>;
  update(original: T, fields: Partial<T>): Promise<T>;
  /** False when the kind has no internal number. */
  NUMBERED?: boolean;
}

export function useFlowForm<T extends FlowObject, F extends object>(
  store: Store<T>,
  { original, onDone, onCancel }: EditorProps<T>,
  fieldsOf: (original: T | null) => F,
) {
  const [identity, setIdentity] = useState<Identity>(identityOf(original));
  const [fields, setFields] = useState(fieldsOf(original));
  const targets = useTargets();
  // The form shows a field for each of its fields.
  const { errors, busy, submit, setError } = useSubmit([...IDENTITY, ...Object.keys(fields)]);

  const numbered = store.NUMBERED ?? true;

  const set = <K extends keyof F>(key: K, value: F[K]) => setFields({ ...fields, [key]: value });

  /** Creates or changes the object: its name and numbers, and `own`, its
   * fields as the API takes them. */
  const save = (own: Partial<T>) => {
    const body = { ...identityBody(identity, numbered), ...own };
    submit(() => (original ? store.update(original, body) : store.create(body)), onDone);
  };

  return {
    original, numbered, identity, setIdentity, fields, set, targets, errors, busy, setError, save, cancel: onCancel,
  };
}

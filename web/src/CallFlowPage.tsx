// The page of one kind of call flow object (ring groups, IVRs, schedules,
// and the phone network's trunks, DIDs and outbound rules): every object,
// its name and numbers first, then its own columns, then Edit and Delete;
// a manager or admin creates, edits and deletes them with the form shown
// above the list. An object still named elsewhere is not deleted, and the
// server's message says who names it.

import type { ComponentChildren, ComponentType } from "preact";
import { useState } from "preact/hooks";
import type { Session } from "./api";
import { DeleteButtons } from "./DeleteButtons";
import type { EditorProps } from "./flowForm";
import { ListTable } from "./ListTable";
import { useLoadedList } from "./loadedList";
import type { FlowObject } from "./NameFields";
import { PageFrame } from "./PageFrame";

interface Store<T> {
  list(): Promise<T[]>;
  remove(name: string): Promise<void>;
  /** The change event the list follows. */
  CHANGED: string | string[];
  /** False when the kind has no internal number (no Number column). */
  NUMBERED?: boolean;
}

/** What a row's own cells may do: change the object (unless the user may not). */
interface RowActions {
  mayChange: boolean;
  act: (action: () => Promise<unknown>) => void;
}

interface Props<T extends FlowObject> {
  session: Session;
  title: string;
  /** What one object is: "IVR", "ring group". */
  noun: string;
  store: Store<T>;
  form: ComponentType<EditorProps<T>>;
  /** The table's class besides `list`. */
  kind: string;
  /** The headings of the object's own columns. */
  headings: string[];
  cells: (object: T, actions: RowActions) => ComponentChildren;
  empty: string;
}

export function CallFlowPage<T extends FlowObject>(props: Props<T>) {
  const { session, title, noun, store, form: Form, kind, headings, cells, empty } = props;
  const page = useLoadedList(store.list, store.CHANGED);
  const [editing, setEditing] = useState<{ original: T | null } | null>(null);
  const mayChange = session.role !== "user";
  const numbered = store.NUMBERED ?? true;
  const identity = numbered ? ["Name", "Number", "Display name"] : ["Name", "Display name"];

  const create = mayChange && (
    <button type="button" class="primary" onClick={() => setEditing({ original: null })}>{`New ${noun}`}</button>
  );

  return (
    <PageFrame title={title} head={create} error={page.error}>
      {editing && (
        <Form
          key={editing.original?.name ?? ""}
          original={editing.original}
          onDone={() => { setEditing(null); page.load(); }}
          onCancel={() => setEditing(null)}
        />
      )}
      {page.list && (
        <ListTable kind={kind} headings={[...identity, ...headings]} items={page.list}
          empty={empty} row={(object) => (
            <tr key={object.name} data-name={object.name}>
              <td>{object.name}</td>
              {numbered && <td class="number">{object.number ?? ""}</td>}
              <td>{object.display_name ?? ""}</td>
              {cells(object, { mayChange, act: page.act })}
              <td class="actions">
                {mayChange && (
                  <DeleteButtons name={object.name} list={page} remove={store.remove}>
                    <button type="button" onClick={() => setEditing({ original: object })}>Edit</button>
                  </DeleteButtons>
                )}
              </td>
            </tr>
          )} />
      )}
    </PageFrame>
  );
}

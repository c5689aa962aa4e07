// A row's Delete button, which asks first ("Delete name?", then Delete or
// Keep). One row of a list asks at a time; the row's other buttons (Edit,
// say) show only while it does not.

import type { ComponentChildren } from "preact";

interface Props {
  name: string;
  /** The list's state (see loadedList): which row asks, and running the deletion. */
  list: {
    deleting: string | null;
    setDeleting: (name: string | null) => void;
    act: (action: () => Promise<unknown>) => void;
  };
  remove: (name: string) => Promise<unknown>;
  children?: ComponentChildren;
}

export function DeleteButtons({ name, list, remove, children }: Props) {
  return list.deleting === name ? (
    <>
      Delete {name}?{" "}
      <button type="button" class="danger" onClick={() => list.act(() => remove(name))}>Delete</button>
      <button type="button" onClick={() => list.setDeleting(null)}>Keep</button>
    </>
  ) : (
    <>
      {children}
      <button type="button" onClick={() => list.setDeleting(name)}>Delete</button>
    </>
  );
}

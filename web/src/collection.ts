// The REST routes ring groups, IVRs and schedules share: a list under
// `items`, create, change and delete by name. A change sends only the
// fields that differ from the object as it was read.

import { request } from "./api";

export interface Named {
  name: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function collection<T extends Named>(path: string) {
  const one = (name: string) => `${path}/${encodeURIComponent(name)}`;
  return {
    async list(): Promise<T[]> {
      return (await request<{ items: T[] }>("GET", path)).items;
    },
    /** Fields left empty (null) are not sent: the server's defaults apply. */
    create(fields: Partial<T>): Promise<T> {
      return request("POST", path, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)));
    },
    update(original: T, fields: Partial<T>): Promise<T> {
      const changed = Object.fromEntries(
        Object.entries(fields).filter(([key, value]) => !same(original[key as keyof T], value)),
      );
      return request("PATCH", one(original.name), changed);
    },
    remove(name: string): Promise<void> {
      return request("DELETE", one(name));
    },
  };
}

// The extensions page: a searchable, paged list that follows changes made
// anywhere (another admin, the CLI, the API) as they happen, with create,
// edit, delete, the SIP secret shown on demand or regenerated, and each
// extension's registered phones, live.

import { useCallback, useEffect, useState } from "preact/hooks";
import type { Session } from "./api";
import * as extensions from "./extensions";
import type { Extension, ExtensionPage } from "./extensions";
import { useChanges } from "./live";
import { ExtensionForm } from "./ExtensionForm";
import { PhonesCell } from "./PhonesCell";
import * as registrations from "./registrations";
import type { Registration } from "./registrations";
import { SecretField } from "./SecretField";

type Editing = { mode: "new" } | { mode: "edit"; extension: Extension } | null;

export function ExtensionsPage({ session }: { session: Session }) {
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<ExtensionPage | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [phones, setPhones] = useState<Map<string, Registration[]>>(new Map());
  const mayCreate = session.role !== "user";

  const load = useCallback(async () => {
    try {
      setPage(await extensions.list(search, offset));
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [search, offset]);

  const loadPhones = useCallback(async () => {
    try {
      setPhones(await registrations.byExtension());
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    load();
  }, [load]);

  useEffect(() => {
    loadPhones();
  }, [loadPhones]);

  useChanges(
    useCallback(
      (change) => {
        if (change === "lagged" || change.type.startsWith("extension.")) load();
        if (change === "lagged" || change.type === "registration.changed") loadPhones();
      },
      [load, loadPhones],
    ),
  );

  const remove = async (number: string) => {
    try {
      await extensions.remove(number);
      setDeleting(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const first = page && page.total > 0 ? page.offset + 1 : 0;
  const last = page ? page.offset + page.items.length : 0;

  return (
    <section>
      <div class="page-head">
        <h1>Extensions</h1>
        <input type="search" placeholder="Search number, name or email" aria-label="Search"
          value={search} onInput={(e) => { setSearch(e.currentTarget.value); setOffset(0); }} />
        {mayCreate && (
          <button type="button" class="primary" onClick={() => setEditing({ mode: "new" })}>
            New extension
          </button>
        )}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {editing && (
        <ExtensionForm
          extension={editing.mode === "edit" ? editing.extension : null}
          onDone={() => { setEditing(null); load(); }}
          onCancel={() => setEditing(null)}
        />
      )}
      {page && (
        <>
          <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th>Number</th>
                <th>Name</th>
                <th>Auth name</th>
                <th>Secret</th>
                <th>Email</th>
                <th>Phones</th>
                <th>Calls</th>
                <th>Status</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {page.items.map((ext) => (
                <tr key={ext.number} data-number={ext.number}>
                  <td class="number">{ext.number}</td>
                  <td>{ext.display_name}</td>
                  <td>{ext.auth_name}</td>
                  <td><SecretField extension={ext} onChanged={load} /></td>
                  <td>{ext.email ?? ""}</td>
                  <td><PhonesCell phones={phones.get(ext.number) ?? []} /></td>
                  <td>{ext.call_limit}</td>
                  <td>{ext.enabled ? "enabled" : <span class="muted">disabled</span>}</td>
                  <td class="actions">
                    {deleting === ext.number ? (
                      <>
                        Delete {ext.number}?{" "}
                        <button type="button" class="danger" onClick={() => remove(ext.number)}>Delete</button>
                        <button type="button" onClick={() => setDeleting(null)}>Keep</button>
                      </>
                    ) : (
                      <>
                        <button type="button" onClick={() => setEditing({ mode: "edit", extension: ext })}>Edit</button>
                        {mayCreate && (
                          <button type="button" onClick={() => setDeleting(ext.number)}>Delete</button>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              ))}
              {page.items.length === 0 && (
                <tr>
                  <td colSpan={9} class="empty">
                    {search ? "No extension matches." : "No extensions yet."}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          </div>
          <div class="pager">
            <span class="count">{first}–{last} of {page.total}</span>
            <button type="button" disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - extensions.PAGE_SIZE))}>Previous</button>
            <button type="button" disabled={last >= page.total}
              onClick={() => setOffset(offset + extensions.PAGE_SIZE)}>Next</button>
          </div>
        </>
      )}
    </section>
  );
}

// The sounds page: the greetings and announcements uploaded as WAV files
// and the prompts shipped with Switchboard, each playable in the browser;
// a manager or admin uploads one (named after its file unless named
// otherwise) and deletes those no IVR or destination still uses.

import { useCallback, useState } from "preact/hooks";
import { ApiError, type Session } from "./api";
import { fieldErrors } from "./fieldErrors";
import { clock } from "./format";
import { useLoaded } from "./live";
import * as sounds from "./sounds";
import type { Sound } from "./sounds";

export function SoundsPage({ session }: { session: Session }) {
  const [list, setList] = useState<Sound[] | null>(null);
  const [error, setError] = useState("");
  const [deleting, setDeleting] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [uploadError, setUploadError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // Counts uploads, so the player of a replaced sound loads the new file.
  const [uploads, setUploads] = useState(0);
  const mayChange = session.role !== "user";
  const errors = fieldErrors(uploadError, ["name"]);

  const load = useCallback(async () => {
    try {
      setList(await sounds.list());
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useLoaded(load, sounds.CHANGED);

  const choose = (input: HTMLInputElement) => {
    const chosen = input.files?.[0] ?? null;
    setFile(chosen);
    if (chosen && name === "") setName(chosen.name.replace(/\.wav$/i, ""));
  };

  const upload = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (!file) return;
    setBusy(true);
    try {
      await sounds.upload(name.trim(), file);
      setUploadError(null);
      setName("");
      setFile(null);
      form.reset();
      setUploads(uploads + 1);
      load();
    } catch (e) {
      setUploadError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (sound: string) => {
    try {
      await sounds.remove(sound);
      setDeleting(null);
      load();
    } catch (e) {
      setDeleting(null);
      setError((e as Error).message);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>Sounds</h1>
        {list && <span class="count muted">{list.length} sounds</span>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {mayChange && (
        <form class="card editor upload" onSubmit={upload} aria-label="Upload a sound">
          <div class="grid">
            <div class="field">
              <label for="sound-file">WAV file (8 or 16 kHz mono)</label>
              <input id="sound-file" name="file" type="file" accept=".wav,audio/wav" required
                onChange={(e) => choose(e.currentTarget)} />
            </div>
            <div class="field">
              <label for="field-name">Name</label>
              <input id="field-name" name="name" value={name} required placeholder="the file's name"
                {...errors.invalid("name")} onInput={(e) => setName(e.currentTarget.value)} />
              {errors.message("name")}
            </div>
          </div>
          {errors.rest}
          <div class="buttons">
            <button type="submit" class="primary" disabled={busy || !file}>Upload</button>
          </div>
        </form>
      )}
      {list && (
        <div class="table-wrap">
          <table class="list sounds">
            <thead>
              <tr>
                <th>Name</th>
                <th>Source</th>
                <th>Length</th>
                <th>Listen</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((sound) => (
                <tr key={sound.name} data-name={sound.name}>
                  <td>{sound.name}</td>
                  <td>{sound.shipped ? <span class="muted">shipped</span> : "uploaded"}</td>
                  <td class="clock">{clock(sound.duration_ms / 1000)}</td>
                  <td>
                    <audio key={uploads} controls preload="none" src={sounds.audioUrl(sound.name)} />
                  </td>
                  <td class="actions">
                    {mayChange && !sound.shipped &&
                      (deleting === sound.name ? (
                        <>
                          Delete {sound.name}?{" "}
                          <button type="button" class="danger" onClick={() => remove(sound.name)}>Delete</button>
                          <button type="button" onClick={() => setDeleting(null)}>Keep</button>
                        </>
                      ) : (
                        <button type="button" onClick={() => setDeleting(sound.name)}>Delete</button>
                      ))}
                  </td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={5} class="empty">No sounds.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

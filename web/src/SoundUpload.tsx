// Uploading a sound: a WAV file, named after the file unless named
// otherwise, replacing a sound uploaded before under that name. The
// server's message is shown beside the name, or below.

import { useState } from "preact/hooks";
import * as sounds from "./sounds";
import { useSubmit } from "./submitting";

export function SoundUpload({ onUploaded }: { onUploaded: () => void }) {
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const { errors, busy, submit } = useSubmit(["name"]);

  const choose = (input: HTMLInputElement) => {
    const chosen = input.files?.[0] ?? null;
    setFile(chosen);
    if (chosen && name === "") setName(chosen.name.replace(/\.wav$/i, ""));
  };

  const upload = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (!file) return;
    submit(() => sounds.upload(name.trim(), file), () => {
      setName("");
      setFile(null);
      form.reset();
      onUploaded();
    });
  };

  return (
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
  );
}

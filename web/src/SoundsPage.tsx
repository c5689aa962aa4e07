// The sounds page: the greetings and announcements uploaded as WAV files
// and the prompts shipped with Switchboard, each playable in the browser;
// a manager or admin uploads one (see SoundUpload) and deletes those no
// IVR or destination still uses.

import { useState } from "preact/hooks";
import type { Session } from "./api";
import { DeleteButtons } from "./DeleteButtons";
import { clock } from "./format";
import { ListTable } from "./ListTable";
import { useLoadedList } from "./loadedList";
import { PageFrame } from "./PageFrame";
import * as sounds from "./sounds";
import { SoundUpload } from "./SoundUpload";

export function SoundsPage({ session }: { session: Session }) {
  const page = useLoadedList(sounds.list, sounds.CHANGED);
  // Counts uploads, so the player of a replaced sound loads the new file.
  const [uploads, setUploads] = useState(0);
  const mayChange = session.role !== "user";

  const uploaded = () => {
    setUploads((n) => n + 1);
    page.load();
  };

  return (
    <PageFrame title="Sounds" head={page.list && <span class="count muted">{page.list.length} sounds</span>}
      error={page.error}>
      {mayChange && <SoundUpload onUploaded={uploaded} />}
      {page.list && (
        <ListTable kind="sounds" headings={["Name", "Source", "Length", "Listen"]} items={page.list}
          empty="No sounds." row={(sound) => (
            <tr key={sound.name} data-name={sound.name}>
              <td>{sound.name}</td>
              <td>{sound.shipped ? <span class="muted">shipped</span> : "uploaded"}</td>
              <td class="clock">{clock(sound.duration_ms / 1000)}</td>
              <td>
                <audio key={uploads} controls preload="none" src={sounds.audioUrl(sound.name)} />
              </td>
              <td class="actions">
                {mayChange && !sound.shipped && <DeleteButtons name={sound.name} list={page} remove={sounds.remove} />}
              </td>
            </tr>
          )} />
      )}
    </PageFrame>
  );
}

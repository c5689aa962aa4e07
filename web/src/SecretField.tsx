// An extension's SIP secret: hidden until asked for, and replaceable by a
// new generated one (the phone then needs the new secret to register).

import { useState } from "preact/hooks";
import * as extensions from "./extensions";
import type { Extension } from "./extensions";

interface Props {
  extension: Extension;
  onChanged: () => void;
}

export function SecretField({ extension, onChanged }: Props) {
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState("");

  const regenerate = async () => {
    try {
      await extensions.regenerateSecret(extension.number);
      setConfirming(false);
      setShown(true);
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <span class="secret">
      <code class="value">{shown ? extension.secret : "••••••••"}</code>
      <button type="button" class="small" onClick={() => setShown(!shown)}>
        {shown ? "Hide" : "Reveal"}
      </button>
      {confirming ? (
        <>
          <button type="button" class="small danger" onClick={regenerate}>Confirm new secret</button>
          <button type="button" class="small" onClick={() => setConfirming(false)}>Cancel</button>
        </>
      ) : (
        <button type="button" class="small" onClick={() => setConfirming(true)}>Regenerate</button>
      )}
      {error && <span class="error" role="alert">{error}</span>}
    </span>
  );
}

// The login form. Wrong credentials and lockouts are told as the server
// words them.

import { useState } from "preact/hooks";
import type { Session } from "./api";
import { logIn } from "./session";

export function LoginPage({ onLogIn }: { onLogIn: (session: Session) => void }) {
  const [login, setLogin] = useState("admin");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      onLogIn(await logIn(login, password));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login">
      <form class="card" onSubmit={submit}>
        <h1>Switchboard</h1>
        <label>
          Login
          <input name="login" autocomplete="username" value={login} required
            onInput={(e) => setLogin(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" value={password}
            required autofocus onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>
          Log in
        </button>
      </form>
    </div>
  );
}

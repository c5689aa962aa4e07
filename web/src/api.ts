// The one way the console talks to Switchboard: JSON over /api/v1 (or a
// file sent as it is, such as a greeting, under its own type when it has
// one), with the session cookie the browser keeps and the CSRF token every
// change must carry. Errors arrive as problem+json and become ApiError,
// which names the field at fault when the server does.

export type Role = "admin" | "manager" | "user";

export interface Session {
  login: string;
  role: Role;
  csrf_token: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrfToken = "";

/** Remembers the CSRF token of the session just started or resumed. */
export function useSession(session: Session | null): void {
  csrfToken = session?.csrf_token ?? "";
}

/** Called when the server says the session is gone. */
let onUnauthenticated: () => void = () => {};

export function whenLoggedOut(handler: () => void): void {
  onUnauthenticated = handler;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const file = body instanceof Blob;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = file ? body.type || "application/octet-stream" : "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : file ? body : JSON.stringify(body),
  });
  if (response.ok) {
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }
  let detail = response.statusText;
  let field: string | undefined;
  try {
    const problem = await response.json();
    detail = problem.detail ?? detail;
    field = problem.field;
  } catch {
    // Not problem+json (a proxy's error page, say): the status text stands.
  }
  if (response.status === 401 && path !== "/login") onUnauthenticated();
  throw new ApiError(response.status, detail, field);
}

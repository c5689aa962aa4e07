// Logging in and out, and resuming the session a reload left behind.

import { request, useSession, type Session } from "./api";

export async function resume(): Promise<Session | null> {
  try {
    const session = await request<Session>("GET", "/session");
    useSession(session);
    return session;
  } catch {
    return null;
  }
}

export async function logIn(login: string, password: string): Promise<Session> {
  const session = await request<Session>("POST", "/login", { login, password });
  useSession(session);
  return session;
}

export async function logOut(): Promise<void> {
  try {
    await request<void>("POST", "/logout");
  } finally {
    useSession(null);
  }
}

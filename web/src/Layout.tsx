// The frame around every page: the product bar with who is logged in,
// and the navigation between sections.

import type { ComponentChildren } from "preact";
import type { Session } from "./api";
import { navigate } from "./router";
import { SECTIONS } from "./sections";

interface Props {
  session: Session;
  current: string;
  onLogOut: () => void;
  children: ComponentChildren;
}

export function Layout({ session, current, onLogOut, children }: Props) {
  return (
    <div class="layout">
      <header class="topbar">
        <span class="brand">Switchboard</span>
        <span class="who">
          {session.login} <span class="role">{session.role}</span>
        </span>
        <button type="button" class="link" onClick={onLogOut}>
          Log out
        </button>
      </header>
      <nav class="sidebar" aria-label="Sections">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.path}>
              {section.ready ? (
                <a
                  href={section.path}
                  aria-current={section.path === current ? "page" : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(section.path);
                  }}
                >
                  {section.title}
                </a>
              ) : (
                <span class="soon" title="Not built yet">
                  {section.title}
                </span>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <main class="content">{children}</main>
    </div>
  );
}

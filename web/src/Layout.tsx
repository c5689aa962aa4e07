// The frame around every page: the product bar with who is logged in,
// and the navigation between sections, those of a group under its heading.

import type { ComponentChildren } from "preact";
import type { Session } from "./api";
import { navigate } from "./router";
import { SECTIONS, shownTo, type Section } from "./sections";

interface Props {
  session: Session;
  current: string;
  onLogOut: () => void;
  children: ComponentChildren;
}

/** The sections in runs: one ungrouped section, or a group's sections. */
function runs(sections: Section[]): { group?: string; sections: Section[] }[] {
  const out: { group?: string; sections: Section[] }[] = [];
  for (const section of sections) {
    const last = out[out.length - 1];
    if (section.group && last?.group === section.group) last.sections.push(section);
    else out.push({ group: section.group, sections: [section] });
  }
  return out;
}

export function Layout({ session, current, onLogOut, children }: Props) {
  const item = (section: Section) => (
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
  );

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
          {runs(SECTIONS.filter((s) => shownTo(s, session.role))).map((run) =>
            run.group ? (
              <li key={run.group} class="group">
                <span class="group-title">{run.group}</span>
                <ul>{run.sections.map(item)}</ul>
              </li>
            ) : (
              run.sections.map(item)
            ),
          )}
        </ul>
      </nav>
      <main class="content">{children}</main>
    </div>
  );
}

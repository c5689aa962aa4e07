// A list page's frame: its heading, with what the page shows beside it (a
// count, a New button), the message of the last failure, then the page.

import type { ComponentChildren } from "preact";

interface Props {
  title: string;
  head?: ComponentChildren;
  error: string;
  children: ComponentChildren;
}

export function PageFrame({ title, head, error, children }: Props) {
  return (
    <section>
      <div class="page-head">
        <h1>{title}</h1>
        {head}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {children}
    </section>
  );
}

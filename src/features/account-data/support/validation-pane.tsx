/** Validation (issue #14). A placeholder until it is built. */
import type { SupportPaneProps } from './support-pane-props.ts';

export function ValidationPane(_props: SupportPaneProps) {
  return (
    <section className="support-pane" aria-label="Validation">
      <h2>Validation</h2>
      <p>Every well-known entry checked against its schema (issue #14) — not built yet.</p>
    </section>
  );
}

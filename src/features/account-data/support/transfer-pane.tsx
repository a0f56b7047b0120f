/** Export and import (issue #14). A placeholder until it is built. */
import type { SupportPaneProps } from './support-pane-props.ts';

export function TransferPane(_props: SupportPaneProps) {
  return (
    <section className="support-pane" aria-label="Export and import">
      <h2>Export and import</h2>
      <p>Export and import of account data (issue #14) — not built yet.</p>
    </section>
  );
}

/** Diagnostic report (issue #14). A placeholder until it is built. */
import type { SupportPaneProps } from './support-pane-props.ts';

export function ReportPane(_props: SupportPaneProps) {
  return (
    <section className="support-pane" aria-label="Diagnostic report">
      <h2>Diagnostic report</h2>
      <p>A redacted diagnostic report (issue #14) — not built yet.</p>
    </section>
  );
}

/**
 * Validation (issue #14): every entry the inspector holds, checked against the project's schemas
 * and the semantic checks of `matrix/schema-check.ts`, as a list of problems grouped by entry.
 * Recomputed whenever the cached data changes (sync, writes), so it is live; each group links to
 * its entry. Secret entries are checked for shape only, and no message quotes their values.
 */
import { useDeferredValue, useMemo } from 'react';
import { entryKey, type EntryRef } from '../../../matrix/entry-key.ts';
import {
  checkAccountData,
  type AccountDataProblem,
  type ProblemSeverity,
} from '../../../matrix/schema-check.ts';
import type { JsonObject } from '../../../matrix/types.ts';
import type { RoomsData, ScopeData } from '../model.ts';
import type { SupportPaneProps } from './support-pane-props.ts';

/** Problems of one entry, in the order `checkAccountData` gave them. */
type ProblemGroup = { key: string; ref: EntryRef; problems: AccountDataProblem[] };

const SEVERITY_LABEL: Readonly<Record<ProblemSeverity, string>> = {
  error: 'Error',
  warning: 'Warning',
  info: 'Note',
};

const SEVERITY_PILL: Readonly<Record<ProblemSeverity, string>> = {
  error: 'status-pill status-pill--critical',
  warning: 'status-pill status-pill--warning',
  info: 'status-pill status-pill--info',
};

/** The live (not deleted) contents of one scope. */
function contents(data: ScopeData | undefined): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  if (!data) return out;
  for (const [type, entry] of Object.entries(data)) {
    if (!entry.isDeleted && entry.content !== null) out[type] = entry.content;
  }
  return out;
}

function roomContents(rooms: RoomsData | undefined): Map<string, Record<string, JsonObject>> {
  const out = new Map<string, Record<string, JsonObject>>();
  if (!rooms) return out;
  for (const [roomId, room] of rooms.byId) out.set(roomId, contents(room.data));
  return out;
}

/** Groups problems by entry, keeping their order (global first, then rooms). */
function groupByEntry(problems: readonly AccountDataProblem[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const problem of problems) {
    const key = entryKey(problem.ref.scope, problem.ref.type);
    let group = groups.get(key);
    if (!group) {
      group = { key, ref: problem.ref, problems: [] };
      groups.set(key, group);
    }
    group.problems.push(problem);
  }
  return [...groups.values()];
}

function plural(count: number, one: string, many: string): string {
  return `${String(count)} ${count === 1 ? one : many}`;
}

/** "3 problems in 2 entries (1 error, 2 warnings)" or "No problems found". */
export function problemSummary(problems: readonly AccountDataProblem[]): string {
  if (problems.length === 0) return 'No problems found';
  const entries = new Set(problems.map((p) => entryKey(p.ref.scope, p.ref.type))).size;
  const counts: string[] = [];
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  const notes = problems.filter((p) => p.severity === 'info').length;
  if (errors > 0) counts.push(plural(errors, 'error', 'errors'));
  if (warnings > 0) counts.push(plural(warnings, 'warning', 'warnings'));
  if (notes > 0) counts.push(plural(notes, 'note', 'notes'));
  return `${plural(problems.length, 'problem', 'problems')} in ${plural(entries, 'entry', 'entries')} (${counts.join(', ')})`;
}

export function ValidationPane(props: SupportPaneProps) {
  const { client, onOpenEntry } = props;
  // A big account's first check takes a moment; sync batches and typing elsewhere go first.
  const global = useDeferredValue(props.global);
  const rooms = useDeferredValue(props.rooms);
  const userId = client.userId;
  const isLoading = global === undefined;
  const membershipKnown = rooms?.isComplete === true;

  const problems = useMemo(
    () =>
      checkAccountData({
        userId,
        global: contents(global),
        rooms: roomContents(rooms),
        // Before every joined room is known, "not joined" would be a guess: skip that check.
        ...(rooms?.isComplete ? { joinedRoomIds: new Set(rooms.byId.keys()) } : {}),
      }),
    [userId, global, rooms],
  );
  const groups = useMemo(() => groupByEntry(problems), [problems]);

  const scopeLabel = (ref: EntryRef): string => {
    switch (ref.scope.kind) {
      case 'global':
        return 'Global';
      case 'room': {
        const name = rooms?.byId.get(ref.scope.roomId)?.info.name;
        return name && name !== ref.scope.roomId
          ? `Room ${name} (${ref.scope.roomId})`
          : `Room ${ref.scope.roomId}`;
      }
      case 'device':
        return `Device ${ref.scope.deviceId}`;
    }
  };

  return (
    <section className="support-pane" aria-label="Validation">
      <h2>Validation</h2>
      <p className="hint">
        Every well-known entry is checked against its schema (the same ones the editor uses), plus what a
        schema cannot say: direct chats with rooms you are not in, ignoring yourself, secret storage that
        points at missing keys, types stored in the wrong scope. Secret entries are checked for shape only.
        The list follows the data live.
      </p>
      {isLoading ? (
        <p role="status">Loading account data…</p>
      ) : (
        <>
          <p role="status" aria-live="polite">
            <strong>{problemSummary(problems)}</strong>
          </p>
          {membershipKnown ? null : (
            <p className="hint">
              Rooms are still loading: direct chats are checked against your rooms once every joined room is
              known.
            </p>
          )}
          {groups.length > 0 ? (
            <ul className="orphans-list" aria-label="Problems by entry">
              {groups.map((group) => (
                <li key={group.key} aria-label={`${group.ref.type} — ${scopeLabel(group.ref)}`}>
                  <div className="detail__actions">
                    <code>{group.ref.type}</code>
                    <span className="hint">{scopeLabel(group.ref)}</span>
                    <button
                      type="button"
                      className="button button--sm button--secondary"
                      aria-label={
                        group.ref.scope.kind === 'global'
                          ? `Open ${group.ref.type}`
                          : `Open ${group.ref.type} in ${scopeLabel(group.ref)}`
                      }
                      onClick={() => {
                        onOpenEntry(group.ref);
                      }}
                    >
                      Open
                    </button>
                  </div>
                  <ul className="orphans-list" aria-label={`Problems of ${group.ref.type}`}>
                    {group.problems.map((problem, index) => (
                      <li key={`${String(index)}:${problem.path ?? ''}`}>
                        <span className={SEVERITY_PILL[problem.severity]}>
                          {SEVERITY_LABEL[problem.severity]}
                        </span>{' '}
                        {problem.path ? (
                          <>
                            <code>{problem.path}</code>{' '}
                          </>
                        ) : null}
                        {problem.message}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </section>
  );
}

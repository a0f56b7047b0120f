/**
 * Admin mode's bar (ADR 013): "User ID" + "Open" reads another user's account data through the
 * admin API; the users looked at this session are listed to reopen with one click. The ID is
 * checked before any request; the server's refusals (`403` not an admin, `404` no such user) are
 * explained by the caller's `error`.
 */
import { useState } from 'react';
import { isValidUserId } from '../../matrix/api/admin.ts';
import { UserIdField } from '../../components/user-id-field.tsx';
import './admin.css';

export type InspectUserFormProps = {
  /** The admin's own ID: opening it is refused (their own account is the live view). */
  ownUserId: string;
  /** Users looked at this session, oldest first. */
  recent: readonly string[];
  /** The user shown now, if any. */
  current: string | null;
  /** A read is in flight for this user. */
  opening: string | null;
  /** Why the last open failed. */
  error: string | null;
  onOpen: (userId: string) => void;
};

/** Why `userId` cannot be opened, before any request; null when it can. */
export function openRefusal(userId: string, ownUserId: string): string | null {
  if (userId === '') return 'Enter a user ID, such as @alice:example.org.';
  if (!isValidUserId(userId))
    return `"${userId}" is not a Matrix user ID; it looks like @name:server.example.`;
  if (userId === ownUserId) return 'That is your own account: use "Back to my account" for its live view.';
  return null;
}

export function InspectUserForm({
  ownUserId,
  recent,
  current,
  opening,
  error,
  onOpen,
}: InspectUserFormProps) {
  const [input, setInput] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const message = refusal ?? error;
  return (
    <div className="admin-bar">
      <form
        className="admin-bar__form"
        aria-label="Inspect another user"
        onSubmit={(e) => {
          e.preventDefault();
          const userId = input.trim();
          const reason = openRefusal(userId, ownUserId);
          setRefusal(reason);
          if (reason === null) onOpen(userId);
        }}
      >
        <UserIdField
          value={input}
          onChange={setInput}
          placeholder="@alice:example.org"
          message={message}
          submitLabel="Open"
          busyLabel="Opening…"
          isBusy={opening !== null}
          buttonVariant="primary"
        />
      </form>
      {recent.length > 0 ? (
        <nav className="admin-bar__recent" aria-label="Users looked at this session">
          <p className="admin-bar__recent-title">Looked at this session</p>
          <ul>
            {recent.map((userId) => (
              <li key={userId}>
                <button
                  type="button"
                  className="button button--tertiary"
                  aria-current={userId === current ? 'true' : undefined}
                  disabled={opening !== null}
                  onClick={() => {
                    setRefusal(null);
                    onOpen(userId);
                  }}
                >
                  {userId}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}

/**
 * "User ID" + "Add user": adds a user of the application service's namespace to the inspector. The
 * ID is checked before any request — its shape, then the namespace by Synapse's rules
 * (`src/matrix/appservice/namespace.ts`, docs/protocol.md §7) — and only then with the server, which
 * also requires the user to exist (`403 M_FORBIDDEN` otherwise, explained here).
 */
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { UserIdField } from '../../components/user-id-field.tsx';
import { isInUserNamespace, isUserIdShaped, type UserNamespace } from '../../matrix/appservice/namespace.ts';
import { MatrixApiError, MatrixNetworkError } from '../../matrix/errors.ts';
import './appservice.css';

export type AddUserFormProps = {
  namespace: UserNamespace;
  /** Users already in the inspector (adding one again just selects it). */
  users: readonly string[];
  /** Asks the server whether the service may act for the user (e.g. whoami with `user_id`). */
  check: (userId: string) => Promise<unknown>;
  onAdd: (userId: string) => void;
  /** An already added user was entered again. */
  onSelect: (userId: string) => void;
};

/** Why a user ID cannot be added, before any request; null when it may be tried. */
export function refusalOf(namespace: UserNamespace, userId: string): string | null {
  if (userId === '') return 'Enter a user ID, such as @_bridge_alice:example.org.';
  if (!isUserIdShaped(userId)) return `“${userId}” is not a user ID (@localpart:server).`;
  if (!isInUserNamespace(namespace, userId)) {
    const regexes = namespace.userRegexes;
    return `${userId} is outside the namespace of this application service: it may act only for ${namespace.senderUserId}${
      regexes.length > 0 ? ` and users matching ${regexes.join(', ')} (matched from the start of the ID)` : ''
    }. No request was sent.`;
  }
  return null;
}

/** The server's refusal, for people. */
function serverRefusal(userId: string, error: unknown): string {
  if (error instanceof MatrixApiError && error.errcode === 'M_FORBIDDEN') {
    return `The homeserver refused to act for ${userId}: “${error.serverMessage || 'forbidden'}”. An application service can only act for users that exist; register the user first (POST /_matrix/client/v3/register with type m.login.application_service and the as_token), or check the registration the server has installed.`;
  }
  if (error instanceof MatrixApiError) {
    return `The homeserver refused: ${error.serverMessage || error.errcode} (HTTP ${error.status}).`;
  }
  if (error instanceof MatrixNetworkError) return 'Could not reach the homeserver. Try again.';
  return error instanceof Error ? error.message : String(error);
}

export function AddUserForm({ namespace, users, check, onAdd, onSelect }: AddUserFormProps) {
  const [input, setInput] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (userId: string) => check(userId),
    onSuccess: (_result, userId) => {
      setInput('');
      onAdd(userId);
    },
  });
  const message = refusal ?? (add.isError ? serverRefusal(add.variables, add.error) : null);
  return (
    <form
      className="appservice-add-user"
      aria-label="Add a namespace user"
      onSubmit={(e) => {
        e.preventDefault();
        const userId = input.trim();
        add.reset();
        if (users.includes(userId)) {
          setRefusal(null);
          setInput('');
          onSelect(userId);
          return;
        }
        const reason = refusalOf(namespace, userId);
        setRefusal(reason);
        if (reason === null) add.mutate(userId);
      }}
    >
      <UserIdField
        value={input}
        onChange={setInput}
        placeholder="@_bridge_alice:example.org"
        message={message}
        submitLabel="Add user"
        busyLabel="Checking…"
        isBusy={add.isPending}
        buttonVariant="secondary"
      />
    </form>
  );
}

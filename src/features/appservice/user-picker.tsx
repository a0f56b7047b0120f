/**
 * The users the application service acts for in the inspector, the sender first: pick the one whose
 * account data is shown; remove an added one (its live sync stops).
 */
import { useId } from 'react';
import { Badge } from '../../components/badge.tsx';
import './appservice.css';

export type UserPickerProps = {
  senderUserId: string;
  /** Every user, the sender first. */
  users: readonly string[];
  selected: string;
  onSelect: (userId: string) => void;
  onRemove: (userId: string) => void;
};

export function UserPicker({ senderUserId, users, selected, onSelect, onRemove }: UserPickerProps) {
  const name = useId();
  return (
    <fieldset className="appservice-users">
      <legend>Acting as</legend>
      <ul>
        {users.map((userId) => (
          <li key={userId} className="appservice-users__item">
            <label className="checkbox">
              <input
                type="radio"
                name={name}
                value={userId}
                checked={userId === selected}
                onChange={() => {
                  onSelect(userId);
                }}
              />{' '}
              {userId}
            </label>
            {userId === senderUserId ? (
              <Badge variant="info" title="The registration's sender_localpart: the service's own user">
                Sender
              </Badge>
            ) : (
              <button
                type="button"
                className="button button--tertiary button--sm"
                aria-label={`Remove ${userId}`}
                onClick={() => {
                  onRemove(userId);
                }}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/**
 * The "User ID" field with its submit button and its refusal, shared by every form that names a
 * Matrix user (admin mode's "Open", the appservice view's "Add user"). The form around it decides
 * what a submit does; this renders the field, announces the message and ties it to the input.
 */
import { useId } from 'react';
import { Banner } from './banner.tsx';

export type UserIdFieldProps = {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  /** Why the last submit was refused, or null. */
  message: string | null;
  /** The submit button's label, and its label while `isBusy`. */
  submitLabel: string;
  busyLabel: string;
  isBusy: boolean;
  /** The button's emphasis in its form. */
  buttonVariant: 'primary' | 'secondary';
};

export function UserIdField({
  value,
  onChange,
  placeholder,
  message,
  submitLabel,
  busyLabel,
  isBusy,
  buttonVariant,
}: UserIdFieldProps) {
  const inputId = useId();
  const errorId = useId();
  return (
    <>
      <label htmlFor={inputId}>User ID</label>
      <div className="field-row">
        <input
          id={inputId}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
          }}
          placeholder={placeholder}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          aria-invalid={message !== null}
          aria-describedby={message !== null ? errorId : undefined}
        />
        <button
          type="submit"
          className={buttonVariant === 'primary' ? 'button button--primary' : 'button button--secondary'}
          disabled={isBusy}
        >
          {isBusy ? busyLabel : submitLabel}
        </button>
      </div>
      {message !== null ? (
        <div id={errorId}>
          <Banner tone="critical">{message}</Banner>
        </div>
      ) : null}
    </>
  );
}

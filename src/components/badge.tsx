import type { ReactNode } from 'react';

export type BadgeVariant = 'server-managed' | 'secret' | 'deleted' | 'info';

const DEFAULT_TEXT: Record<BadgeVariant, string> = {
  'server-managed': 'Server-managed',
  secret: 'Secret',
  deleted: 'Deleted',
  info: 'Info',
};

export type BadgeProps = {
  variant: BadgeVariant;
  /** Visible (and therefore accessible) text; defaults to the variant's name, e.g. "Secret". */
  children?: ReactNode;
  /** Longer explanation for pointer users. Keep anything essential in the text itself. */
  title?: string;
};

/**
 * A short label on a row or heading. Colour is never the only signal: the text always says it.
 *
 * It starts with a space so that accessible names built from content read "m.direct Secret
 * Deleted", not "m.directSecretDeleted", wherever badges are placed. The space collapses away at
 * the start of a line and in flex containers, where it renders nothing.
 */
export function Badge({ variant, children, title }: BadgeProps) {
  return (
    <>
      {' '}
      <span className={`badge badge--${variant}`} title={title}>
        {children ?? DEFAULT_TEXT[variant]}
      </span>
    </>
  );
}

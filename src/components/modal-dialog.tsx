/**
 * A modal dialog on the native `<dialog>` element: the browser provides the `dialog` role, the focus
 * trap, Escape to cancel and the inert backdrop. Rendered only while open.
 */
import { useEffect, useEffectEvent, useId, useRef, type ReactNode } from 'react';

export type ModalDialogProps = {
  title: string;
  children: ReactNode;
  /** Footer buttons. */
  actions: ReactNode;
  /** Escape, the close button, or a click on the backdrop. */
  onCancel: () => void;
  /** Wider dialogs hold a diff. */
  size?: 'normal' | 'wide';
};

export function ModalDialog({ title, children, actions, onCancel, size = 'normal' }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const cancel = useEffectEvent(() => {
    onCancel();
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // jsdom lacks showModal; fall back to the open attribute there.
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    const onCancelEvent = (e: Event) => {
      e.preventDefault();
      cancel();
    };
    dialog.addEventListener('cancel', onCancelEvent);
    return () => {
      dialog.removeEventListener('cancel', onCancelEvent);
      if (typeof dialog.close === 'function' && dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`modal modal--${size}`}
      aria-labelledby={titleId}
      onClick={(e) => {
        if (e.target === ref.current) onCancel();
      }}
    >
      <div className="modal__body">
        <h2 id={titleId} className="modal__title">
          {title}
        </h2>
        {children}
      </div>
      <div className="modal__actions">{actions}</div>
    </dialog>
  );
}

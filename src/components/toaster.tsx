import CloseIcon from '@vector-im/compound-design-tokens/assets/web/icons/close';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { toastStore, useToasts, type Toast } from './toast-store.ts';

/**
 * Renders the toast store. Mount once, near the root. Both live regions are always in the DOM, so
 * that screen readers notice what is added to them: errors go to an `alert` region, everything else
 * to a polite `status` region.
 */
export function Toaster() {
  const errors = useToasts(useShallow((state) => state.toasts.filter((toast) => toast.tone === 'error')));
  const others = useToasts(useShallow((state) => state.toasts.filter((toast) => toast.tone !== 'error')));
  return (
    <section className="toaster" aria-label="Notifications">
      <div className="toaster__region" role="status">
        {others.map((toast) => (
          <ToastItem key={toast.id} toast={toast} />
        ))}
      </div>
      <div className="toaster__region" role="alert">
        {errors.map((toast) => (
          <ToastItem key={toast.id} toast={toast} />
        ))}
      </div>
    </section>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const { id, timeoutMs } = toast;
  // Hovering or focusing a toast holds it open; the countdown restarts when the pointer or focus
  // leaves, so a toast never vanishes while someone is reading it or reaching for its button.
  const [isHeld, setIsHeld] = useState(false);
  useEffect(() => {
    if (timeoutMs === null || isHeld) return;
    const timer = setTimeout(() => {
      toastStore.getState().actions.toastDismissed(id);
    }, timeoutMs);
    return () => {
      clearTimeout(timer);
    };
  }, [id, timeoutMs, isHeld]);

  const dismiss = () => {
    toastStore.getState().actions.toastDismissed(id);
  };
  return (
    <div
      className={`toast toast--${toast.tone}`}
      onMouseEnter={() => {
        setIsHeld(true);
      }}
      onMouseLeave={() => {
        setIsHeld(false);
      }}
      onFocus={() => {
        setIsHeld(true);
      }}
      onBlur={(event) => {
        if (!(event.relatedTarget instanceof Node) || !event.currentTarget.contains(event.relatedTarget)) {
          setIsHeld(false);
        }
      }}
    >
      <div className="toast__text">
        <p className="toast__title">{toast.title}</p>
        {toast.body === undefined ? null : <p className="toast__body">{toast.body}</p>}
      </div>
      {toast.action ? (
        <button
          type="button"
          className="button button--secondary button--sm"
          onClick={() => {
            toast.action?.onClick();
            dismiss();
          }}
        >
          {toast.action.label}
        </button>
      ) : null}
      <button
        type="button"
        className="button button--icon"
        aria-label="Dismiss notification"
        onClick={dismiss}
      >
        <CloseIcon aria-hidden="true" />
      </button>
    </div>
  );
}

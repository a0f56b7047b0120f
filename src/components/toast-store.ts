// Transient notifications. A vanilla store so that non-React code (mutation error handlers, the
// sync bridge) can raise a toast; `<Toaster />` renders them.
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

export type ToastTone = 'info' | 'success' | 'error';

export type Toast = {
  id: string;
  tone: ToastTone;
  title: string;
  body?: string;
  /** One optional action, e.g. "Retry". Clicking it also dismisses the toast. */
  action?: { label: string; onClick: () => void };
  /** Auto-dismiss delay; null keeps the toast until dismissed. */
  timeoutMs: number | null;
};

export type ToastInput = Omit<Toast, 'id' | 'timeoutMs'> & {
  /** Give a stable id to replace an earlier toast about the same thing instead of stacking. */
  id?: string;
  timeoutMs?: number | null;
};

export type ToastState = {
  toasts: Toast[];
  actions: {
    /** Returns the toast's id. */
    toastAdded: (input: ToastInput) => string;
    toastDismissed: (id: string) => void;
    toastsCleared: () => void;
  };
};

/** Errors stay until dismissed: nobody should have to read a failure against the clock (WCAG 2.2.1). */
export const DEFAULT_TOAST_TIMEOUT_MS: Record<ToastTone, number | null> = {
  info: 5000,
  success: 5000,
  error: null,
};
export const MAX_TOASTS = 5;

let nextId = 0;

export function createToastStore() {
  return createStore<ToastState>()((set) => ({
    toasts: [],
    actions: {
      toastAdded: (input) => {
        const id = input.id ?? `toast-${++nextId}`;
        const toast: Toast = {
          ...input,
          id,
          timeoutMs: input.timeoutMs ?? DEFAULT_TOAST_TIMEOUT_MS[input.tone],
        };
        set(({ toasts }) => ({
          toasts: [...toasts.filter((existing) => existing.id !== id), toast].slice(-MAX_TOASTS),
        }));
        return id;
      },
      toastDismissed: (id) => {
        set(({ toasts }) => ({ toasts: toasts.filter((toast) => toast.id !== id) }));
      },
      toastsCleared: () => {
        set({ toasts: [] });
      },
    },
  }));
}

export const toastStore = createToastStore();

export function useToasts<T>(selector: (state: ToastState) => T): T {
  return useStore(toastStore, selector);
}

/** Shorthand for `toastStore.getState().actions.toastAdded(input)`. */
export function showToast(input: ToastInput): string {
  return toastStore.getState().actions.toastAdded(input);
}

// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createToastStore, MAX_TOASTS, showToast, toastStore } from './toast-store.ts';
import { Toaster } from './toaster.tsx';

beforeEach(() => {
  // Testing Library waits on a real-time setTimeout between user-event steps; let the fake clock
  // follow real time so those waits end (auto-dismiss delays are still driven explicitly below).
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  cleanup();
  act(() => {
    toastStore.getState().actions.toastsCleared();
  });
  vi.useRealTimers();
});

const setupUser = () => userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });

describe('toast store', () => {
  it('adds, replaces by id, caps and dismisses toasts', () => {
    const store = createToastStore();
    const { toastAdded, toastDismissed } = store.getState().actions;
    const first = toastAdded({ tone: 'info', title: 'Copied' });
    expect(store.getState().toasts).toEqual([{ id: first, tone: 'info', title: 'Copied', timeoutMs: 5000 }]);
    toastAdded({ id: 'sync', tone: 'error', title: 'Sync failed' });
    toastAdded({ id: 'sync', tone: 'error', title: 'Sync failed again' });
    expect(store.getState().toasts.map((toast) => toast.title)).toEqual(['Copied', 'Sync failed again']);
    expect(store.getState().toasts[1]?.timeoutMs).toBeNull();
    toastDismissed(first);
    expect(store.getState().toasts.map((toast) => toast.id)).toEqual(['sync']);
    for (let i = 0; i < 10; i++) toastAdded({ tone: 'success', title: `Saved ${i}` });
    expect(store.getState().toasts).toHaveLength(MAX_TOASTS);
    expect(store.getState().toasts.at(-1)?.title).toBe('Saved 9');
  });
});

describe('Toaster', () => {
  it('keeps both live regions mounted and routes errors to the alert region', () => {
    render(<Toaster />);
    const status = screen.getByRole('status');
    const alert = screen.getByRole('alert');
    expect(status.childElementCount + alert.childElementCount).toBe(0);
    act(() => {
      showToast({ tone: 'success', title: 'Saved m.direct' });
      showToast({ tone: 'error', title: 'Could not save m.tag', body: 'M_FORBIDDEN' });
    });
    expect(within(status).getByText('Saved m.direct')).toBeTruthy();
    expect(within(alert).getByText('Could not save m.tag')).toBeTruthy();
    expect(within(alert).getByText('M_FORBIDDEN')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Notifications' })).toBeTruthy();
  });

  it('auto-dismisses info toasts but keeps errors until dismissed', async () => {
    const user = setupUser();
    render(<Toaster />);
    act(() => {
      showToast({ tone: 'info', title: 'Copied' });
      showToast({ tone: 'error', title: 'Rolled back' });
    });
    act(() => {
      vi.advanceTimersByTime(5000);
    });
    expect(screen.queryByText('Copied')).toBeNull();
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(screen.getByText('Rolled back')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Dismiss notification' }));
    expect(screen.queryByText('Rolled back')).toBeNull();
  });

  it('holds a toast open while it is hovered', async () => {
    const user = setupUser();
    render(<Toaster />);
    act(() => {
      showToast({ tone: 'info', title: 'Copied' });
    });
    await user.hover(screen.getByText('Copied'));
    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(screen.getByText('Copied')).toBeTruthy();
    await user.unhover(screen.getByText('Copied'));
    act(() => {
      vi.advanceTimersByTime(5000);
    });
    expect(screen.queryByText('Copied')).toBeNull();
  });

  it('runs the action and dismisses the toast', async () => {
    const user = setupUser();
    const onClick = vi.fn();
    render(<Toaster />);
    act(() => {
      showToast({ tone: 'error', title: 'Could not save', action: { label: 'Retry', onClick } });
    });
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onClick).toHaveBeenCalledOnce();
    expect(screen.queryByText('Could not save')).toBeNull();
  });
});

// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatExactTime } from '../lib/format.ts';
import { RelativeTime } from './relative-time.tsx';

const START = Date.UTC(2024, 2, 12, 14, 5, 9);

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('RelativeTime', () => {
  it('renders a <time> with a machine-readable date and the exact local time as its title', () => {
    const ts = START - 3 * 60_000;
    render(<RelativeTime ts={ts} />);
    const time = screen.getByText('3 minutes ago');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('datetime')).toBe('2024-03-12T14:02:09.000Z');
    expect(time.title).toBe(formatExactTime(ts));
  });

  it('updates every minute, sharing one timer, and stops it when unmounted', () => {
    const { unmount } = render(
      <>
        <RelativeTime ts={START - 20_000} />
        <RelativeTime ts={START - 2 * 3600_000} />
      </>,
    );
    expect(screen.getByText('just now')).toBeTruthy();
    expect(screen.getByText('2 hours ago')).toBeTruthy();
    expect(vi.getTimerCount()).toBe(1);

    act(() => {
      vi.advanceTimersByTime(59_000);
    });
    expect(screen.getByText('just now')).toBeTruthy();
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(screen.getByText('1 minute ago')).toBeTruthy();
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(screen.getByText('2 minutes ago')).toBeTruthy();

    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts from the current time after a quiet spell', () => {
    vi.setSystemTime(START + 3 * 3600_000);
    render(<RelativeTime ts={START} />);
    expect(screen.getByText('3 hours ago')).toBeTruthy();
  });

  it('renders nothing for an invalid time', () => {
    const { container } = render(<RelativeTime ts={Number.NaN} />);
    expect(container.innerHTML).toBe('');
  });
});

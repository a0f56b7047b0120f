// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Banner } from './banner.tsx';
import { LoadingState, Spinner } from './spinner.tsx';

afterEach(cleanup);

describe('Spinner', () => {
  it('is hidden from assistive technology', () => {
    const { container } = render(<Spinner size="sm" />);
    expect(container.firstElementChild?.getAttribute('aria-hidden')).toBe('true');
    expect(container.firstElementChild?.className).toBe('spinner spinner--sm');
  });
});

describe('LoadingState', () => {
  it('marks the region busy and announces the label while loading', () => {
    const { rerender } = render(
      <LoadingState isLoading label="Loading account data…">
        <p>Stale content</p>
      </LoadingState>,
    );
    expect(screen.getByRole('status').textContent).toBe(' Loading account data…');
    const region = screen.getByText('Stale content').parentElement!;
    expect(region.getAttribute('aria-busy')).toBe('true');
    // The status must not be inside the busy region, where it could be held back.
    expect(region.contains(screen.getByRole('status'))).toBe(false);

    rerender(
      <LoadingState isLoading={false} label="Loading account data…">
        <p>Fresh content</p>
      </LoadingState>,
    );
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByText('Fresh content').parentElement?.getAttribute('aria-busy')).toBe('false');
  });
});

describe('Banner', () => {
  it('announces critical banners as alerts and others as status', () => {
    const { rerender } = render(
      <Banner tone="critical" title="Could not save">
        The server said M_TOO_LARGE.
      </Banner>,
    );
    expect(screen.getByRole('alert').textContent).toBe('Could not saveThe server said M_TOO_LARGE.');
    rerender(<Banner tone="warning" title="Changed on the server" />);
    expect(screen.getByRole('status').className).toBe('banner banner--warning');
    rerender(<Banner tone="info" title="Read only" isAnnounced={false} />);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('offers actions and a dismiss button', async () => {
    const user = userEvent.setup();
    const onDismiss = vi.fn();
    render(
      <Banner
        tone="warning"
        title="Changed on the server"
        onDismiss={onDismiss}
        actions={
          <button type="button" className="button button--secondary">
            Show diff
          </button>
        }
      />,
    );
    expect(screen.getByRole('button', { name: 'Show diff' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalledOnce();
  });
});

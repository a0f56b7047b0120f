// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Badge } from './badge.tsx';
import { EmptyState } from './empty-state.tsx';
import { StatusPill } from './status-pill.tsx';

afterEach(cleanup);

describe('Badge', () => {
  it.each([
    ['server-managed', 'Server-managed'],
    ['secret', 'Secret'],
    ['deleted', 'Deleted'],
    ['info', 'Info'],
  ] as const)('shows the %s variant as visible text', (variant, text) => {
    render(<Badge variant={variant} />);
    const badge = screen.getByText(text);
    expect(badge.className).toBe(`badge badge--${variant}`);
    expect(badge.getAttribute('aria-hidden')).toBeNull();
  });

  it('keeps badge text apart from its neighbours in accessible names', () => {
    render(
      <button type="button">
        <span>m.direct</span>
        <Badge variant="server-managed" />
        <Badge variant="deleted" />
      </button>,
    );
    expect(screen.getByRole('button', { name: 'm.direct Server-managed Deleted' })).toBeTruthy();
  });

  it('takes custom text and an explanation', () => {
    render(
      <p>
        m.cross_signing.master <Badge variant="secret" title="Encrypted secret storage entry" />{' '}
        <Badge variant="info">v2</Badge>
      </p>,
    );
    expect(screen.getByText('Secret').title).toBe('Encrypted secret storage entry');
    expect(screen.getByText('v2').className).toContain('badge--info');
  });
});

describe('StatusPill', () => {
  it('shows its text with a decorative dot and only announces when live', () => {
    const { rerender } = render(<StatusPill tone="success">Live</StatusPill>);
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByText('Live').parentElement?.className).toBe('status-pill status-pill--success');
    expect(document.querySelector('.status-pill__dot')?.getAttribute('aria-hidden')).toBe('true');

    rerender(
      <StatusPill tone="warning" isLive isPending>
        Reconnecting in 8 s
      </StatusPill>,
    );
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Reconnecting in 8 s');
    expect(status.className).toBe('status-pill status-pill--warning status-pill--pending');
  });
});

describe('EmptyState', () => {
  it('shows a heading, body and action', () => {
    render(
      <EmptyState
        title="No account data"
        headingLevel={3}
        action={
          <button type="button" className="button button--secondary">
            Clear filter
          </button>
        }
      >
        Nothing matches “m.foo”.
      </EmptyState>,
    );
    expect(screen.getByRole('heading', { level: 3, name: 'No account data' })).toBeTruthy();
    expect(screen.getByText('Nothing matches “m.foo”.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Clear filter' })).toBeTruthy();
  });

  it('defaults to a level-2 heading and omits what is not given', () => {
    const { container } = render(<EmptyState title="Select an entry" />);
    expect(screen.getByRole('heading', { level: 2, name: 'Select an entry' })).toBeTruthy();
    expect(container.querySelector('.empty-state__body, .empty-state__action')).toBeNull();
  });
});

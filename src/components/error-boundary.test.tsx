// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { ErrorBoundary } from './error-boundary.tsx';

let shouldThrow = true;
function Flaky() {
  if (shouldThrow) throw new Error('boom');
  return <p>recovered</p>;
}

describe('ErrorBoundary', () => {
  afterEach(cleanup);

  it('shows the error with the area name, and recovers on "Try again"', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    shouldThrow = true;
    render(
      <ErrorBoundary area="The editor">
        <Flaky />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toContain('The editor hit an unexpected error.');
    expect(screen.getByRole('alert').textContent).toContain('boom');
    shouldThrow = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByText('recovered')).toBeTruthy();
  });

  it('resets when its resetKey changes', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    shouldThrow = true;
    function Harness() {
      const [key, setKey] = useState(1);
      return (
        <>
          <button
            type="button"
            onClick={() => {
              shouldThrow = false;
              setKey(2);
            }}
          >
            next
          </button>
          <ErrorBoundary area="Pane" resetKey={key}>
            <Flaky />
          </ErrorBoundary>
        </>
      );
    }
    render(<Harness />);
    expect(screen.getByRole('alert')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'next' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('recovered')).toBeTruthy();
  });
});

// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HistorySettings } from './history-settings.tsx';
import { historyLimitsKey, readHistoryLimits, saveHistoryLimits } from './history/history-limits.ts';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

describe('history limits (issue #8: both settable)', () => {
  it('are remembered per account, and fall back to 50 versions / 50 MB when unset or invalid', () => {
    expect(readHistoryLimits('@a:x')).toEqual({
      maxVersionsPerEntry: 50,
      maxBytesPerAccount: 50 * 1024 * 1024,
    });
    saveHistoryLimits('@a:x', { maxVersionsPerEntry: 3, maxBytesPerAccount: 1024 });
    expect(readHistoryLimits('@a:x')).toEqual({ maxVersionsPerEntry: 3, maxBytesPerAccount: 1024 });
    expect(readHistoryLimits('@b:x').maxVersionsPerEntry).toBe(50);
    window.localStorage.setItem(
      historyLimitsKey('@c:x'),
      '{"maxVersionsPerEntry":-1,"maxBytesPerAccount":"x"}',
    );
    expect(readHistoryLimits('@c:x')).toEqual({
      maxVersionsPerEntry: 50,
      maxBytesPerAccount: 50 * 1024 * 1024,
    });
    window.localStorage.setItem(historyLimitsKey('@d:x'), 'not json');
    expect(readHistoryLimits('@d:x').maxVersionsPerEntry).toBe(50);
  });

  it('the settings form applies valid numbers and refuses others with a message', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(
      <HistorySettings
        limits={{ maxVersionsPerEntry: 50, maxBytesPerAccount: 50 * 1024 * 1024 }}
        onChange={onChange}
      />,
    );
    await user.click(screen.getByText('History settings'));
    const versions = screen.getByRole('spinbutton', { name: 'Versions kept per entry' });
    const size = screen.getByRole('spinbutton', { name: 'History size limit (MB)' });
    expect(size).toHaveProperty('value', '50');
    await user.clear(versions);
    await user.type(versions, '0');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByRole('status').textContent).toMatch(/from 1 to 10,000/);
    await user.clear(versions);
    await user.type(versions, '7');
    await user.clear(size);
    await user.type(size, '2');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onChange).toHaveBeenCalledWith({ maxVersionsPerEntry: 7, maxBytesPerAccount: 2 * 1024 * 1024 });
  });
});

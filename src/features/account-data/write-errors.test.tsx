// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { MatrixApiError, MatrixNetworkError } from '../../matrix/errors.ts';
import { EntryBanners, type EntryBannersProps } from './entry-banners.tsx';
import { liveEntry } from './model.ts';
import { tooLargeLimit, writeErrorMessage } from './write-errors.ts';

afterEach(cleanup);

const tooLarge = (serverMessage: string, errcode = 'M_TOO_LARGE') =>
  new MatrixApiError({
    status: 413,
    errcode,
    serverMessage,
    method: 'PUT',
    path: '/_matrix/client/v3/user/%40a%3Ahs/account_data/x',
    body: {},
  });

describe('writeErrorMessage: content too large', () => {
  it("reads the limit from Synapse's wording", () => {
    expect(tooLargeLimit('Request content is too large (>52428800)')).toBe(52428800);
    expect(tooLargeLimit('Entity too large')).toBeUndefined();
  });

  it("explains 413 M_TOO_LARGE with the server's limit and says the draft is kept", () => {
    const message = writeErrorMessage(tooLarge('Request content is too large (>52428800)'));
    expect(message).toContain('too large for this server (it accepts requests up to 50.0 MB)');
    expect(message).toContain('Your edit is kept');
  });

  it("treats a proxy's bare 413 (no errcode) the same way", () => {
    expect(writeErrorMessage(tooLarge('', 'M_UNKNOWN'))).toMatch(
      /^The content is too large for this server,/,
    );
  });

  it('blames the size when the connection dropped while sending a big body (what Synapse does)', () => {
    const dropped = new MatrixNetworkError({
      method: 'PUT',
      path: '/x',
      cause: new TypeError('Failed to fetch'),
    });
    expect(writeErrorMessage(dropped, { bodyBytes: 51 * 1024 * 1024 })).toMatch(
      /dropped the connection while receiving 51\.0 MB.*probably too large for this server/,
    );
    // A small body: an ordinary network failure.
    expect(writeErrorMessage(dropped, { bodyBytes: 200 })).toMatch(/could not be reached/);
  });
});

describe('EntryBanners: large content', () => {
  const props = (contentSize: number | undefined): EntryBannersProps => ({
    entry: liveEntry('org.big', { a: 1 }),
    route: { kind: 'account-data' },
    deletionModel: 'deleted',
    draft: {
      isDeletedUnderDraft: false,
      conflictText: null,
      keepMine: () => undefined,
      takeTheirs: () => undefined,
      discardMine: () => undefined,
    },
    onRestore: () => undefined,
    onShowDiff: () => undefined,
    writeError: null,
    onWriteErrorDismissed: () => undefined,
    notice: null,
    onNoticeDismissed: () => undefined,
    contentSize,
  });

  it('warns over 64 KiB and not at 64 KiB', () => {
    const { rerender } = render(<EntryBanners {...props(64 * 1024)} />);
    expect(screen.queryByText('Large content')).toBeNull();
    rerender(<EntryBanners {...props(64 * 1024 + 1)} />);
    expect(screen.getByText('Large content')).toBeTruthy();
    expect(screen.getByText(/This content is 64\.0 KB, over 64\.0 KB\. Saving is allowed/)).toBeTruthy();
  });
});

// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDevices, emptyRooms, foldSyncBatch } from './model.ts';
import { Overview } from './overview.tsx';

afterEach(cleanup);

/** The text of the `<dd>` that follows the `<dt>` named `term`. */
const fact = (term: string) => screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent;

describe('Overview counts (#8)', () => {
  it('counts tombstones from the initial data, global and across rooms', () => {
    const state = foldSyncBatch(
      { global: {}, rooms: emptyRooms, devices: emptyDevices },
      [
        // A server without MSC3391 sends `{}` rows in the initial data.
        { kind: 'global-snapshot', data: { a: { v: 1 }, b: { v: 2 } }, deleted: ['gone'] },
        { kind: 'room-snapshot', roomId: '!1:x', data: { t: { v: 1 } }, deleted: ['old1', 'old2'] },
        { kind: 'room-snapshot', roomId: '!2:x', data: { t: { v: 1 }, u: { v: 2 } }, deleted: [] },
        { kind: 'deleted', scope: { kind: 'room', roomId: '!2:x' }, type: 'u' },
        { kind: 'initial-complete', roomCount: 2 },
      ],
      1,
    );
    render(<Overview global={state.global} rooms={state.rooms} roomCount={2} roomsComplete />);
    expect(fact('Global entries')).toBe('2 live, 1 deleted');
    expect(fact('Room entries')).toBe('2 live, 3 deleted');
  });

  it('says the room counts are partial while rooms are still loading', () => {
    render(<Overview global={{}} rooms={emptyRooms} roomCount={0} roomsComplete={false} />);
    expect(fact('Room entries')).toBe('0 live, 0 deleted so far');
  });
});

describe('Overview key-backup line (#9)', () => {
  const entry = (content: Record<string, unknown>) => ({ content, text: '', size: 0, isDeleted: false });
  it('uses MSC4287’s rules: Invalid stays Invalid, and the old key is named as what Element follows', () => {
    const global = {
      'm.key_backup': entry({ enabled: 'yes' }),
      'm.org.matrix.custom.backup_disabled': entry({ disabled: true }),
    } as unknown as Parameters<typeof Overview>[0]['global'];
    render(<Overview global={global} rooms={emptyRooms} roomCount={0} roomsComplete />);
    expect(fact('Key backup preference')).toBe('Invalid — Element follows the old key: Off');
  });
});

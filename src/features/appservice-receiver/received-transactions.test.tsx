// @vitest-environment jsdom
import { act, cleanup, render, renderHook, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NO_ACCOUNT_DATA_TEXT, ReceivedTransactions } from './received-transactions.tsx';
import {
  STABLE_ACCOUNT_DATA_FIELD,
  UNSTABLE_ACCOUNT_DATA_FIELD,
  type ReceivedRecord,
} from './transaction.ts';
import { checkReceiverUrl, useReceiver, type ReceiverConnection } from './use-receiver.ts';

/** EventSource as the browser has it, driven by the test: open, deliver, drop, fail. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readonly url: string;
  readyState = FakeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, Set<(event: MessageEvent) => void>>();

  constructor(url: string | URL) {
    this.url = String(url);
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.get(type)?.delete(listener);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }

  // --- the test's side; a closed source never fires, as in the browser ---
  get isClosed() {
    return this.readyState === FakeEventSource.CLOSED;
  }
  open() {
    if (this.isClosed) throw new Error('open() on a closed EventSource');
    act(() => {
      this.readyState = FakeEventSource.OPEN;
      this.onopen?.(new Event('open'));
    });
  }
  /** One SSE message `event: transaction`. */
  send(data: ReceivedRecord | string) {
    if (this.isClosed) throw new Error('send() on a closed EventSource');
    act(() => {
      const event = new MessageEvent('transaction', {
        data: typeof data === 'string' ? data : JSON.stringify(data),
      });
      for (const listener of this.listeners.get('transaction') ?? []) listener(event);
    });
  }
  /** A network error: the browser retries by itself. */
  drop() {
    act(() => {
      this.readyState = FakeEventSource.CONNECTING;
      this.onerror?.(new Event('error'));
    });
  }
  /** Not an event stream (e.g. 404): the browser gives up. */
  fail() {
    act(() => {
      this.readyState = FakeEventSource.CLOSED;
      this.onerror?.(new Event('error'));
    });
  }
}

const sources = () => FakeEventSource.instances;
const live = () => {
  const open = sources().filter((s) => !s.isClosed);
  expect(open).toHaveLength(1);
  return open[0] as FakeEventSource;
};

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ALICE = '@_inspector_alice:localhost:8008';
const BOB = '@_inspector_bob:localhost:8008';
const now = () => Date.now();
/** A transaction as Synapse 1.160 sends it: events (and ephemeral), never account data. */
const synapseTxn = (txnId: string, receivedAt = now()): ReceivedRecord => ({
  txnId,
  receivedAt,
  body: {
    events: [
      {
        type: 'm.room.message',
        room_id: '!room:localhost:8008',
        sender: '@e2e-x:localhost:8008',
        content: { msgtype: 'm.text', body: `message ${txnId}` },
        event_id: `$event${txnId}`,
        origin_server_ts: receivedAt - 20,
        unsigned: { age: 20 },
      },
    ],
    ephemeral: [],
    'de.sorunome.msc2409.ephemeral': [],
    'de.sorunome.msc2409.to_device': [],
  },
});
const msc3682Txn = (txnId: string, field: string, receivedAt = now()): ReceivedRecord => ({
  txnId,
  receivedAt,
  body: {
    events: [],
    [field]: {
      [ALICE]: {
        events: [
          { type: 'm.direct', content: { [BOB]: ['!dm:localhost:8008'] } },
          { type: 'org.example.gone', content: {} },
        ],
      },
      [BOB]: { events: [{ type: 'im.vector.setting.breadcrumbs', content: { recent_rooms: ['!a:x'] } }] },
    },
  },
});

const panel = () => {
  const section = screen.getByRole('heading', { name: 'Received transactions' }).closest('section');
  if (!section) throw new Error('the panel is a <section> around its heading');
  return section;
};
const status = () => screen.getByRole('status', { name: 'Receiver connection' }).textContent;
const transactions = () =>
  within(panel())
    .queryAllByRole('article')
    .map(
      (a) => a.getAttribute('aria-labelledby') && within(a).getByRole('heading', { level: 3 }).textContent,
    );
const txn = (txnId: string) => screen.getByRole('article', { name: `Transaction ${txnId}` });

async function renderAndConnect(url?: string, { strict = false } = {}) {
  const user = userEvent.setup();
  const ui = <ReceivedTransactions defaultUrl="http://127.0.0.1:9010" />;
  render(strict ? <StrictMode>{ui}</StrictMode> : ui);
  if (url !== undefined) {
    await user.clear(screen.getByRole('textbox', { name: 'Receiver URL' }));
    await user.type(screen.getByRole('textbox', { name: 'Receiver URL' }), url);
  }
  await user.click(screen.getByRole('button', { name: 'Connect' }));
  return user;
}

describe('ReceivedTransactions (fake EventSource)', () => {
  it('explains how to start the receiver before connecting', () => {
    render(<ReceivedTransactions />);
    expect(screen.getByRole('textbox', { name: 'Receiver URL' })).toHaveProperty(
      'value',
      'http://127.0.0.1:9000',
    );
    expect(status()).toBe('Not connected.');
    expect(within(panel()).getByRole('heading', { name: 'No transactions yet' })).toBeTruthy();
    expect(panel().textContent).toContain('npm run appservice-receiver -- --registration FILE');
    expect(panel().textContent).toContain('app_service_config_files');
    expect(screen.queryByRole('button', { name: 'Disconnect' })).toBeNull();
    expect(sources()).toHaveLength(0);
  });

  it('shows the replay and then live transactions, newest first, with their event counts', async () => {
    await renderAndConnect();
    expect(live().url).toBe('http://127.0.0.1:9010/events');
    expect(status()).toBe('Connecting to http://127.0.0.1:9010…');
    live().open();
    expect(status()).toBe('Connected to http://127.0.0.1:9010.');
    // The replay on connect, oldest first as recorded.
    live().send(synapseTxn('1', now() - 3 * 60_000));
    live().send(synapseTxn('2', now() - 2 * 60_000));
    expect(transactions()).toEqual(['Transaction 2', 'Transaction 1']);
    live().send(synapseTxn('3'));
    expect(transactions()).toEqual(['Transaction 3', 'Transaction 2', 'Transaction 1']);
    expect(within(txn('3')).getByText(/Received/).textContent).toBe(
      'Received just now · 1 event · 0 ephemeral events · 0 to-device messages',
    );
    expect(within(txn('1')).getByText(/Received/).textContent).toMatch(/^Received 3 minutes ago · 1 event/);
    expect(
      within(txn('1'))
        .getByText(/Received/)
        .querySelector('time')
        ?.getAttribute('title'),
    ).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'No transactions yet' })).toBeNull();
  });

  it('says a transaction without account data means the server does not send it', async () => {
    await renderAndConnect();
    live().open();
    live().send(synapseTxn('7'));
    expect(within(txn('7')).getByText(NO_ACCOUNT_DATA_TEXT)).toBeTruthy();
    expect(NO_ACCOUNT_DATA_TEXT).toBe('this server sends no account data (MSC3682 not supported)');
  });

  it('deduplicates by txnId: a replay after reconnecting shows nothing twice', async () => {
    await renderAndConnect();
    live().open();
    live().send(synapseTxn('1', now() - 1000));
    live().send(synapseTxn('2'));
    live().drop();
    live().open();
    // The receiver replays everything on the new connection, then one new transaction.
    live().send(synapseTxn('1', now() - 1000));
    live().send(synapseTxn('2'));
    live().send(synapseTxn('3'));
    expect(transactions()).toEqual(['Transaction 3', 'Transaction 2', 'Transaction 1']);
  });

  it.each([UNSTABLE_ACCOUNT_DATA_FIELD, STABLE_ACCOUNT_DATA_FIELD])(
    'shows account data per user → type → content from %s, naming the field',
    async (field) => {
      await renderAndConnect();
      live().open();
      live().send(msc3682Txn('9', field));
      const users = within(txn('9')).getByRole('list', { name: 'Account data in transaction 9' });
      expect(
        within(users)
          .getAllByRole('heading', { level: 4 })
          .map((h) => h.textContent),
      ).toEqual([`${ALICE} 2 entries in ${field}`, `${BOB} 1 entry in ${field}`]);
      const alice = within(users).getByRole('list', { name: `Account data of ${ALICE}` });
      const items = within(alice).getAllByRole('listitem');
      expect(items.map((li) => li.querySelector('summary')?.textContent)).toEqual([
        'm.direct',
        'org.example.gone Deleted',
      ]);
      expect(items[0]?.querySelector('pre')?.textContent).toBe(
        JSON.stringify({ [BOB]: ['!dm:localhost:8008'] }, null, 2),
      );
      expect(within(txn('9')).queryByText(NO_ACCOUNT_DATA_TEXT)).toBeNull();
    },
  );

  it('skips malformed parts with a note and ignores messages that are not records', async () => {
    await renderAndConnect();
    live().open();
    live().send({
      txnId: '4',
      receivedAt: now(),
      body: {
        events: 'nope',
        [UNSTABLE_ACCOUNT_DATA_FIELD]: {
          [ALICE]: {
            events: [
              { type: 'm.direct', content: 'x' },
              { type: 'ok', content: { a: 1 } },
            ],
          },
          'not-a-user': { events: [] },
        },
      },
    });
    live().send('this is not JSON');
    live().send({ txnId: '5', receivedAt: now(), body: 'not an object' });
    const four = txn('4');
    expect(within(four).getByText(/Received/).textContent).toMatch(/· 0 events$/);
    expect(within(four).getByRole('list', { name: 'Skipped parts of transaction 4' }).textContent).toContain(
      `${ALICE}: m.direct has no JSON object \`content\`; skipped.`,
    );
    expect(within(four).getByRole('list', { name: `Account data of ${ALICE}` }).textContent).toContain('ok');
    expect(within(txn('5')).getByText(NO_ACCOUNT_DATA_TEXT)).toBeTruthy();
    expect(within(txn('5')).getByText('The transaction body is not a JSON object.')).toBeTruthy();
    expect(within(panel()).getByText(/Ignored 1 message from the receiver/)).toBeTruthy();
  });

  it('shows a lost connection as retrying and recovers when the browser reconnects', async () => {
    await renderAndConnect();
    live().drop();
    expect(status()).toBe('Cannot reach a receiver at http://127.0.0.1:9010; retrying… Is it running?');
    live().open();
    live().send(synapseTxn('1'));
    live().drop();
    expect(status()).toBe('Connection to http://127.0.0.1:9010 lost, retrying…');
    // What was received stays on screen meanwhile.
    expect(transactions()).toEqual(['Transaction 1']);
    live().open();
    expect(status()).toBe('Connected to http://127.0.0.1:9010.');
    expect(sources()).toHaveLength(1);
  });

  it('says when the URL is not a receiver (the browser gives up)', async () => {
    await renderAndConnect();
    live().fail();
    expect(status()).toMatch(/did not answer with an event stream.*connect again/);
  });

  it('refuses a URL that is not http(s), before connecting', async () => {
    const user = await renderAndConnect('ftp://127.0.0.1:9000');
    expect(screen.getByRole('alert').textContent).toBe(
      'The receiver URL must start with http:// or https:// (this one is ftp:).',
    );
    expect(screen.getByRole('textbox', { name: 'Receiver URL' }).getAttribute('aria-invalid')).toBe('true');
    expect(sources()).toHaveLength(0);
    await user.clear(screen.getByRole('textbox', { name: 'Receiver URL' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('closes the old connection on a new URL and starts afresh; Disconnect closes and keeps the list', async () => {
    const user = await renderAndConnect();
    const first = live();
    first.open();
    first.send(synapseTxn('old'));
    await user.clear(screen.getByRole('textbox', { name: 'Receiver URL' }));
    await user.type(screen.getByRole('textbox', { name: 'Receiver URL' }), 'http://localhost:9011/');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(first.isClosed).toBe(true);
    expect(live().url).toBe('http://localhost:9011/events');
    expect(transactions()).toEqual([]);
    live().open();
    live().send(synapseTxn('new'));
    expect(transactions()).toEqual(['Transaction new']);
    await user.click(screen.getByRole('button', { name: 'Disconnect' }));
    expect(sources().every((s) => s.isClosed)).toBe(true);
    expect(status()).toBe('Not connected.');
    expect(transactions()).toEqual(['Transaction new']);
  });

  it('closes the connection on unmount', async () => {
    await renderAndConnect();
    live().open();
    cleanup();
    expect(sources().every((s) => s.isClosed)).toBe(true);
  });

  it('works under StrictMode: one live connection, each transaction once', async () => {
    await renderAndConnect(undefined, { strict: true });
    live().open();
    live().send(synapseTxn('1', now() - 1000));
    live().send(synapseTxn('1', now() - 1000));
    live().send(msc3682Txn('2', UNSTABLE_ACCOUNT_DATA_FIELD));
    expect(transactions()).toEqual(['Transaction 2', 'Transaction 1']);
    expect(status()).toBe('Connected to http://127.0.0.1:9010.');
  });
});

describe('useReceiver', () => {
  it('under StrictMode’s double mount, closes the first EventSource and keeps one', () => {
    const connection: ReceiverConnection = { url: 'http://127.0.0.1:9000' };
    const { result } = renderHook(() => useReceiver(connection), { wrapper: StrictMode });
    expect(sources().length).toBeGreaterThanOrEqual(1);
    const source = live();
    expect(source.url).toBe('http://127.0.0.1:9000/events');
    source.open();
    source.send(synapseTxn('1'));
    source.send(synapseTxn('1'));
    expect(result.current.state).toBe('connected');
    expect(result.current.transactions.map((t) => t.txnId)).toEqual(['1']);
  });

  it('is idle and opens nothing without a connection', () => {
    const { result } = renderHook(() => useReceiver(null));
    expect(result.current).toMatchObject({ state: 'idle', url: null, transactions: [] });
    expect(sources()).toHaveLength(0);
  });
});

describe('checkReceiverUrl', () => {
  it.each([
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
    ['  http://127.0.0.1:9000/  ', 'http://127.0.0.1:9000'],
    ['https://bridge.example.org/receiver/', 'https://bridge.example.org/receiver'],
    ['HTTP://LOCALHOST:9000', 'http://localhost:9000'],
  ])('accepts %j', (input, url) => {
    expect(checkReceiverUrl(input)).toEqual({ ok: true, url });
  });

  it.each([
    ['', /Enter the receiver’s URL/],
    ['127.0.0.1:9000', /http:\/\/ or https:\/\//],
    ['localhost:9000', /must start with http:\/\/ or https:\/\/, e\.g\. http:\/\/localhost:9000\./],
    ['http://', /is not a URL/],
    ['ws://127.0.0.1:9000', /http:\/\/ or https:\/\/ \(this one is ws:\)/],
    ['javascript:alert(1)', /http:\/\/ or https:\/\//],
    ['http://user:secret@127.0.0.1:9000', /user name and password/],
    ['http://127.0.0.1:9000/?token=x', /no \?query/],
  ])('refuses %j', (input, message) => {
    const check = checkReceiverUrl(input);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(message);
  });
});

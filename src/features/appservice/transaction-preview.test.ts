import { describe, expect, it } from 'vitest';
import type { ScopeState } from '../../matrix/account-data-fold.ts';
import {
  advancePreview,
  diffGlobal,
  emptyPreview,
  liveContents,
  MSC3682_FIELD,
  transactionBody,
  type GlobalState,
  type PreviewState,
} from './transaction-preview.ts';

const A = '@_bridge_a:hs';
const B = '@_bridge_b:hs';

describe('diffGlobal', () => {
  it('sends everything the first time, then only what changed; a deletion is {} content', () => {
    expect(diffGlobal(undefined, { 'm.b': { x: 1 }, 'm.a': { y: 2 } })).toEqual([
      { type: 'm.a', content: { y: 2 } },
      { type: 'm.b', content: { x: 1 } },
    ]);
    expect(
      diffGlobal({ 'm.a': { y: 2 }, 'm.b': { x: 1 }, 'm.c': { z: 0 } }, { 'm.a': { y: 3 }, 'm.b': { x: 1 } }),
    ).toEqual([
      { type: 'm.a', content: { y: 3 } },
      { type: 'm.c', content: {} },
    ]);
  });

  it('treats key order as equal (JSON equality)', () => {
    expect(diffGlobal({ t: { a: 1, b: 2 } }, { t: { b: 2, a: 1 } })).toEqual([]);
  });
});

describe('liveContents', () => {
  it('leaves tombstones out', () => {
    const scope: ScopeState = {
      live: { type: 'live', content: { a: 1 }, isDeleted: false },
      gone: { type: 'gone', content: null, isDeleted: true, lastContent: { b: 1 } },
    };
    expect(liveContents(scope)).toEqual({ live: { a: 1 } });
    expect(liveContents(undefined)).toEqual({});
  });
});

describe('transactionBody', () => {
  it('fills the unstable and the stable field with the same per-user events, and is null when empty', () => {
    const body = transactionBody({ [A]: [{ type: 't', content: { v: 1 } }], [B]: [] });
    expect(body).toEqual({
      'org.matrix.msc3682.account_data': { [A]: { events: [{ type: 't', content: { v: 1 } }] } },
      account_data: { [A]: { events: [{ type: 't', content: { v: 1 } }] } },
    });
    expect(transactionBody({ [A]: [] })).toBeNull();
  });
});

describe('advancePreview', () => {
  const step = (state: PreviewState, observed: Record<string, GlobalState> | undefined, selected = [A, B]) =>
    advancePreview(state, { ...(observed ? { observed } : {}), selected, at: 1000 });

  it('makes a first transaction with everything known, then one per change, newest first, with a counter', () => {
    let state = step(emptyPreview, { [A]: { 'm.a': { v: 1 } }, [B]: { 'm.b': { w: 1 } } });
    expect(state.count).toBe(1);
    expect(state.transactions[0]?.body[MSC3682_FIELD]).toEqual({
      [A]: { events: [{ type: 'm.a', content: { v: 1 } }] },
      [B]: { events: [{ type: 'm.b', content: { w: 1 } }] },
    });

    state = step(state, { [A]: { 'm.a': { v: 2 } } });
    expect(state.count).toBe(2);
    expect(state.transactions.map((t) => t.txnId)).toEqual([2, 1]);
    expect(state.transactions[0]?.body.account_data).toEqual({
      [A]: { events: [{ type: 'm.a', content: { v: 2 } }] },
    });

    state = step(state, { [A]: {} });
    expect(state.transactions[0]?.body.account_data).toEqual({
      [A]: { events: [{ type: 'm.a', content: {} }] },
    });
  });

  it('makes no transaction when nothing changed (a repeat, a status-only batch)', () => {
    const first = step(emptyPreview, { [A]: { t: { v: 1 } } });
    expect(step(first, { [A]: { t: { v: 1 } } }).count).toBe(1);
    expect(step(first, undefined)).toBe(first);
  });

  it('does not send unselected users; once selected, their first transaction carries everything', () => {
    let state = step(emptyPreview, { [A]: { t: { v: 1 } }, [B]: { u: { w: 1 } } }, [A]);
    expect(Object.keys(state.transactions[0]?.body.account_data ?? {})).toEqual([A]);
    state = step(state, { [B]: { u: { w: 2 } } }, [A]);
    expect(state.count).toBe(1);
    state = step(state, undefined, [A, B]);
    expect(state.count).toBe(2);
    expect(state.transactions[0]?.body.account_data).toEqual({
      [B]: { events: [{ type: 'u', content: { w: 2 } }] },
    });
  });

  it('keeps only the latest transactions', () => {
    let state = emptyPreview;
    for (let i = 0; i < 5; i++)
      state = advancePreview(state, { observed: { [A]: { t: { i } } }, selected: [A], at: i, limit: 3 });
    expect(state.count).toBe(5);
    expect(state.transactions.map((t) => t.txnId)).toEqual([5, 4, 3]);
  });
});

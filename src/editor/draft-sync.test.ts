import { describe, expect, it, vi } from 'vitest';
import { DraftSync, minimalReplacement, type TextBuffer } from './draft-sync';

function setup(serverText: string, text = serverText) {
  const buffer = { text, replaced: [] as string[] };
  const textBuffer: TextBuffer = {
    getText: () => buffer.text,
    replaceText: (next) => {
      buffer.text = next;
      buffer.replaced.push(next);
    },
  };
  const listener = { onDirtyChange: vi.fn(), onServerChangedWhileDirty: vi.fn() };
  const sync = new DraftSync(textBuffer, serverText, listener);
  const type = (next: string) => {
    buffer.text = next;
    sync.contentChanged();
  };
  return { buffer, listener, sync, type };
}

describe('DraftSync', () => {
  it('starts clean, or dirty when the initial text differs', () => {
    expect(setup('{}').sync.isDirty).toBe(false);
    expect(setup('{}', '{"draft": 1}').sync.isDirty).toBe(true);
  });

  it('reports dirtiness only when it flips', () => {
    const { sync, type, listener } = setup('{}');
    type('{"a"');
    type('{"a": 1}');
    expect(listener.onDirtyChange.mock.calls).toEqual([[true]]);
    type('{}');
    expect(listener.onDirtyChange.mock.calls).toEqual([[true], [false]]);
    expect(sync.isDirty).toBe(false);
  });

  it('updates a clean draft in place when the server changes', () => {
    const { sync, buffer, listener } = setup('{"v": 1}');
    expect(sync.serverTextChanged('{"v": 2}')).toBe('updated');
    expect(buffer.text).toBe('{"v": 2}');
    expect(sync.isDirty).toBe(false);
    expect(sync.serverText).toBe('{"v": 2}');
    expect(listener.onDirtyChange).not.toHaveBeenCalled();
    expect(listener.onServerChangedWhileDirty).not.toHaveBeenCalled();
  });

  it('never overwrites a dirty draft and reports the conflict', () => {
    const { sync, buffer, listener, type } = setup('{"v": 1}');
    type('{"v": "mine"}');
    expect(sync.serverTextChanged('{"v": "theirs"}')).toBe('conflict');
    expect(buffer.text).toBe('{"v": "mine"}');
    expect(buffer.replaced).toEqual([]);
    expect(listener.onServerChangedWhileDirty).toHaveBeenCalledWith('{"v": "theirs"}');
    expect(sync.isDirty).toBe(true);
  });

  it('compares against the latest server text after a conflict', () => {
    const { sync, type, listener } = setup('{"v": 1}');
    type('{"v": "mine"}');
    sync.serverTextChanged('{"v": 2}');
    // Undoing back to the old server value is not "clean": the server has moved on.
    type('{"v": 1}');
    expect(sync.isDirty).toBe(true);
    // Taking theirs is.
    sync.setText('{"v": 2}');
    expect(sync.isDirty).toBe(false);
    expect(listener.onDirtyChange.mock.calls).toEqual([[true], [false]]);
  });

  it('converges when the server echoes the draft, however it was formatted', () => {
    const { sync, buffer, type, listener } = setup('{\n  "v": 1\n}');
    type('{"v":2,"w":[1]}');
    expect(sync.serverTextChanged('{\n  "w": [\n    1\n  ],\n  "v": 2\n}')).toBe('converged');
    expect(buffer.text).toBe('{\n  "w": [\n    1\n  ],\n  "v": 2\n}');
    expect(sync.isDirty).toBe(false);
    expect(listener.onServerChangedWhileDirty).not.toHaveBeenCalled();
    expect(listener.onDirtyChange.mock.calls).toEqual([[true], [false]]);
  });

  it('ignores a server text it already has', () => {
    const { sync, type, listener } = setup('{}');
    type('{"x": 1}');
    expect(sync.serverTextChanged('{}')).toBe('unchanged');
    expect(listener.onServerChangedWhileDirty).not.toHaveBeenCalled();
  });

  it('setText replaces the draft and re-evaluates', () => {
    const { sync, buffer } = setup('{}');
    sync.setText('{"a": 1}');
    expect(buffer.text).toBe('{"a": 1}');
    expect(sync.isDirty).toBe(true);
    sync.setText('{"a": 1}');
    expect(buffer.replaced).toEqual(['{"a": 1}']);
  });
});

describe('minimalReplacement', () => {
  const apply = (before: string, after: string) => {
    const edit = minimalReplacement(before, after);
    return edit ? before.slice(0, edit.start) + edit.text + before.slice(edit.end) : before;
  };

  it.each([
    ['abc', 'abc'],
    ['abc', 'abXc'],
    ['abc', 'ac'],
    ['', 'x'],
    ['x', ''],
    ['aaa', 'aaaa'],
    ['{\n  "a": 1\n}', '{\n  "a": 2,\n  "b": 3\n}'],
    ['😀', '😃'],
    ['a😀b', 'a😃b'],
  ])('%j → %j', (before, after) => {
    expect(apply(before, after)).toBe(after);
  });

  it('replaces only the changed middle', () => {
    expect(minimalReplacement('{"a": 1, "b": 2}', '{"a": 1, "b": 3}')).toEqual({
      start: 14,
      end: 15,
      text: '3',
    });
    expect(minimalReplacement('same', 'same')).toBeUndefined();
  });

  it('never splits a surrogate pair', () => {
    // 😀 = D83D DE00, 😃 = D83D DE03: they share the high surrogate.
    const edit = minimalReplacement('a😀', 'a😃');
    expect(edit).toEqual({ start: 1, end: 3, text: '😃' });
  });
});

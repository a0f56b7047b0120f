// @vitest-environment jsdom
import { StrictMode } from 'react';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LazyView, lazyModule, usePreloadOnFirstInteraction } from './lazy-module.tsx';

afterEach(cleanup);

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('lazyModule', () => {
  it('imports once however often it is asked, and peeks only after the load', async () => {
    const importer = vi.fn(() => Promise.resolve({ value: 42 }));
    const module = lazyModule(importer);
    expect(module.peek()).toBeUndefined();
    const [a, b] = await Promise.all([module.load(), module.load()]);
    expect(a).toBe(b);
    expect(importer).toHaveBeenCalledTimes(1);
    expect(module.peek()).toEqual({ value: 42 });
  });

  it('imports again after a failed load (a chunk that could not be fetched)', async () => {
    const importer = vi
      .fn<() => Promise<{ value: number }>>()
      .mockRejectedValueOnce(new Error('Failed to fetch dynamically imported module'))
      .mockResolvedValueOnce({ value: 1 });
    const module = lazyModule(importer);
    await expect(module.load()).rejects.toThrow('Failed to fetch');
    await expect(module.load()).resolves.toEqual({ value: 1 });
    expect(importer).toHaveBeenCalledTimes(2);
  });
});

describe('LazyView', () => {
  it('shows a busy placeholder, then the view (StrictMode: effects mounted twice)', async () => {
    const gate = deferred<{ Hello: () => React.JSX.Element }>();
    const importer = vi.fn(() => gate.promise);
    const module = lazyModule(importer);
    render(
      <StrictMode>
        <LazyView module={module} what="The inspector">
          {({ Hello }) => <Hello />}
        </LazyView>
      </StrictMode>,
    );
    expect(screen.getByText('Loading the inspector…').getAttribute('aria-busy')).toBe('true');
    await act(async () => {
      gate.resolve({ Hello: () => <h1>Signed in</h1> });
      await gate.promise;
    });
    expect(screen.getByRole('heading', { name: 'Signed in' })).toBeTruthy();
    expect(screen.queryByText('Loading the inspector…')).toBeNull();
    expect(importer).toHaveBeenCalledTimes(1);
  });

  it('renders at once, without a placeholder, when the module was preloaded', async () => {
    const module = lazyModule(() => Promise.resolve({ text: 'ready' }));
    await module.load();
    render(
      <LazyView module={module} what="The inspector">
        {({ text }) => <p>{text}</p>}
      </LazyView>,
    );
    expect(screen.getByText('ready')).toBeTruthy();
    expect(screen.queryByText(/Loading/)).toBeNull();
  });

  it('says when the code could not be loaded and loads it again on "Try again"', async () => {
    const importer = vi
      .fn<() => Promise<{ text: string }>>()
      .mockRejectedValueOnce(new Error('Failed to fetch dynamically imported module'))
      .mockResolvedValueOnce({ text: 'second time lucky' });
    const module = lazyModule(importer);
    render(
      <LazyView module={module} what="The inspector">
        {({ text }) => <p>{text}</p>}
      </LazyView>,
    );
    expect(await screen.findByText('The inspector could not be loaded.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('second time lucky')).toBeTruthy();
    expect(importer).toHaveBeenCalledTimes(2);
  });
});

function Preloader({ load, enabled }: { load: () => unknown; enabled: boolean }) {
  usePreloadOnFirstInteraction(load, enabled);
  return <input aria-label="Homeserver" />;
}

describe('usePreloadOnFirstInteraction', () => {
  it('loads nothing until the first interaction, then loads once', async () => {
    const load = vi.fn();
    render(<Preloader load={load} enabled />);
    await act(async () => {
      await Promise.resolve();
    });
    expect(load).not.toHaveBeenCalled();
    // A field filled in without key events (autofill, paste by a password manager) counts too.
    fireEvent.input(screen.getByRole('textbox', { name: 'Homeserver' }), { target: { value: 'a' } });
    fireEvent.keyDown(document.body, { key: 'b' });
    fireEvent.pointerDown(document.body);
    await act(async () => {
      await Promise.resolve();
    });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does nothing while disabled (already signed in)', async () => {
    const load = vi.fn();
    render(<Preloader load={load} enabled={false} />);
    fireEvent.pointerDown(document.body);
    await act(async () => {
      await Promise.resolve();
    });
    expect(load).not.toHaveBeenCalled();
  });

  it('never lets a failed preload escape as an unhandled rejection', async () => {
    const load = vi.fn(() => Promise.reject(new Error('offline')));
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      render(<Preloader load={load} enabled />);
      fireEvent.keyDown(document.body, { key: 'x' });
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
      expect(load).toHaveBeenCalledTimes(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

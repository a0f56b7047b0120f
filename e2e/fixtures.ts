/**
 * Typed Playwright fixtures: the real homeservers and a fresh user per test.
 */
import { test as base, expect } from '@playwright/test';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createUser, homeserver, type Homeserver, type TestUser } from '../test-support/synapse.ts';

type Fixtures = {
  /** The main Synapse (MSC3391 on). */
  hs: Homeserver;
  /** A fresh user on the main Synapse. */
  user: TestUser;
};

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires object destructuring for fixtures.
  hs: async ({}, use) => {
    await use(homeserver('main'));
  },
  user: async ({ hs }, use) => {
    await use(await createUser(hs, { prefix: 'e2e' }));
  },
});

export { expect };

/** Files of the production build that contain Monaco, read from Vite's manifest and source maps. */
/** The built file of one source module's lazy chunk (`src/app/inspector-shell.tsx` → `assets/…js`). */
export function chunkFileOf(source: string): string {
  const dist = path.resolve(import.meta.dirname, '..', 'dist');
  const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string }
  >;
  const chunk = manifest[source];
  if (!chunk) throw new Error(`no chunk for ${source} in the build's manifest`);
  return chunk.file;
}

export function monacoChunkFiles(): string[] {
  const dist = path.resolve(import.meta.dirname, '..', 'dist');
  const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string }
  >;
  return Object.values(manifest)
    .map((c) => c.file)
    .filter((file) => {
      const map = path.join(dist, `${file}.map`);
      if (!existsSync(map)) return false;
      const sources = (JSON.parse(readFileSync(map, 'utf8')) as { sources?: string[] }).sources ?? [];
      return sources.some((s) => s.includes('node_modules/monaco-editor/'));
    });
}

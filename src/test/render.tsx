/**
 * Render helpers for component tests (docs/architecture.md "Tests"): every render gets a fresh QueryClient built like
 * the app's (retries off, nothing stale, nothing garbage-collected), and account-data components also
 * get a fresh inspector store. Pass your own client or store to seed or inspect them.
 */
import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement, ReactNode } from 'react';
import { createQueryClient } from '../app/query-client.ts';
import {
  createInspectorStore,
  InspectorStoreContext,
  type InspectorStore,
} from '../features/account-data/inspector-store.tsx';

export type UserEvents = ReturnType<typeof userEvent.setup>;

/** A fresh QueryClient, configured as the app's (`retry: false` for queries and mutations). */
export function createTestQueryClient(): QueryClient {
  return createQueryClient();
}

export type RenderWithQueryOptions = { queryClient?: QueryClient };

/** Renders `ui` inside its own QueryClient; returns the client and a user-event instance too. */
export function renderWithQueryClient(
  ui: ReactElement,
  { queryClient = createTestQueryClient() }: RenderWithQueryOptions = {},
) {
  const user = userEvent.setup();
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return { ...render(ui, { wrapper: Wrapper }), queryClient, user };
}

export type RenderWithInspectorOptions = RenderWithQueryOptions & { store?: InspectorStore };

/**
 * Renders an account-data component inside a fresh QueryClient and a fresh inspector store
 * (`createInspectorStore()`), as `AccountDataView` provides them.
 */
export function renderWithInspector(
  ui: ReactElement,
  { queryClient = createTestQueryClient(), store = createInspectorStore() }: RenderWithInspectorOptions = {},
) {
  const user = userEvent.setup();
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <InspectorStoreContext value={store}>{children}</InspectorStoreContext>
    </QueryClientProvider>
  );
  return { ...render(ui, { wrapper: Wrapper }), queryClient, store, user };
}

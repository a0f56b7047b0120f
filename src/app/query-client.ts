import { QueryClient } from '@tanstack/react-query';

/**
 * Server data lives in TanStack Query; sync keeps it fresh, so nothing is refetched on focus or
 * reconnect and nothing is garbage-collected (sync only resends a type when it changes).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        gcTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        retry: false,
      },
      mutations: { retry: false },
    },
  });
}

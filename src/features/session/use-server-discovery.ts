/**
 * The sign-in page's "which server?" step: turns what the user typed into a homeserver base URL
 * (`discoverHomeserver`) and probes its capabilities (versions, login flows, OAuth metadata), as one
 * mutation. The probed capabilities go on to the session so the app need not probe again.
 *
 * After a soft logout the server is known, so discovery starts on mount. React StrictMode mounts
 * twice in development and so runs discovery twice; that is harmless: no request carries an
 * `AbortSignal` from the effect, and the result shown is always the latest mutation's.
 */
import { useCallback, useEffect } from 'react';
import { useMutation } from '@tanstack/react-query';
import { getServerCapabilities } from '../../matrix/capabilities.ts';
import { discoverHomeserver, type DiscoveryResult } from '../../matrix/discovery.ts';
import type { ServerCapabilities } from '../../matrix/types.ts';

/** A homeserver found and probed. */
export type DiscoveredServer = { discovery: DiscoveryResult; capabilities: ServerCapabilities };

async function discoverAndProbe(input: string): Promise<DiscoveredServer> {
  const discovery = await discoverHomeserver(input);
  const capabilities = await getServerCapabilities(discovery.baseUrl);
  return { discovery, capabilities };
}

/** `resumeUrl`: discover this server at once (soft logout). */
export function useServerDiscovery(resumeUrl: string | undefined) {
  const { mutate, data, error, isPending } = useMutation({ mutationFn: discoverAndProbe });
  useEffect(() => {
    if (resumeUrl) mutate(resumeUrl);
  }, [resumeUrl, mutate]);
  // A new attempt resets `data`, so the previous server's methods disappear while it runs.
  const discover = useCallback(
    (input: string) => {
      mutate(input);
    },
    [mutate],
  );
  return { server: data ?? null, error, isPending, discover };
}

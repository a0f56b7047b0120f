/**
 * OAuth 2.0 sign-in (the Matrix OAuth 2.0 API, as served by the Matrix Authentication Service;
 * docs/protocol.md §1.5): "Continue with <issuer host>", listed first when the server publishes
 * `auth_metadata` — such a server may offer no `/login` at all. A click registers this app with the
 * server's OAuth provider and sends the browser there; `redirect-return.ts` completes the sign-in
 * when it comes back.
 */
import { useMutation } from '@tanstack/react-query';
import { Banner } from '../../../components/banner.tsx';
import { browserStateStore, startOAuthSignIn } from '../../../matrix/oauth.ts';
import { rememberPendingSignIn } from '../redirect-return.ts';
import type { SignInMethodDescriptor, SignInMethodProps } from './method-descriptor.ts';
import { appReturnUrl } from './sso-method.tsx';

/** "127.0.0.1:8010" or "account.matrix.org": who the user will be talking to. */
export function issuerHost(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}

export function OAuthMethod({ baseUrl, capabilities, remember }: SignInMethodProps) {
  const metadata = capabilities.oauth;
  const start = useMutation({
    mutationFn: async () => {
      if (!metadata) throw new Error('This server does not offer OAuth 2.0 sign-in.');
      const { url } = await startOAuthSignIn({
        baseUrl,
        metadata,
        appUrl: appReturnUrl(),
        stateStore: browserStateStore(),
      });
      rememberPendingSignIn({ method: 'oauth', baseUrl, remember });
      window.location.assign(url);
    },
  });
  if (!metadata) return null;
  const host = issuerHost(metadata.issuer);
  return (
    <div className="method" role="group" aria-label="OAuth 2.0">
      <h2 className="method__title">Your account provider</h2>
      <button
        type="button"
        className="button button--primary"
        disabled={start.isPending || start.isSuccess}
        onClick={() => {
          start.mutate();
        }}
      >
        Continue with {host}
      </button>
      <p className="hint">
        This server signs you in through {host} (OAuth 2.0). The inspector registers itself there, asks for
        access to your account for one new device, and never sees your password.
      </p>
      {start.isError ? (
        <Banner tone="critical" title="Could not start the sign-in">
          {start.error.message}
        </Banner>
      ) : null}
    </div>
  );
}

export const oauthMethod: SignInMethodDescriptor = {
  id: 'oauth',
  isAvailable: (capabilities) => capabilities.oauth !== null,
  Component: OAuthMethod,
};

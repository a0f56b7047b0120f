/**
 * Single sign-on (`m.login.sso`, docs/protocol.md §1.4): one "Continue with <provider>" button per
 * identity provider the server lists in `GET /login` (or one generic button when it lists none).
 * The browser goes to `/login/sso/redirect[/{idpId}]?redirectUrl=<this page>` and comes back with
 * `?loginToken=…`, which `redirect-return.ts` takes out of the address bar and exchanges once.
 */
import { useState } from 'react';
import { ssoRedirectUrl } from '../../../matrix/auth.ts';
import type { IdentityProvider } from '../../../matrix/types.ts';
import { rememberPendingSignIn } from '../redirect-return.ts';
import type { SignInMethodDescriptor, SignInMethodProps } from './method-descriptor.ts';

/** The page the server sends the browser back to: this one, without query or fragment. */
export function appReturnUrl(location: Pick<Location, 'origin' | 'pathname'> = globalThis.location): string {
  return `${location.origin}${location.pathname}`;
}

/**
 * An identity provider's icon: `mxc://server/id` through the authenticated media endpoint. Before
 * sign-in there is no token, so most servers refuse it; the button then shows the name's initial.
 */
export function providerIconUrl(baseUrl: string, icon: string | undefined): string | undefined {
  const match = icon ? /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(icon) : null;
  if (!match) return undefined;
  const [, server = '', mediaId = ''] = match;
  return `${baseUrl}/_matrix/client/v1/media/thumbnail/${encodeURIComponent(server)}/${encodeURIComponent(mediaId)}?width=32&height=32&method=scale`;
}

function ProviderIcon({ baseUrl, provider }: { baseUrl: string; provider: IdentityProvider }) {
  const src = providerIconUrl(baseUrl, provider.icon);
  const [failed, setFailed] = useState(false);
  if (src && !failed) {
    return (
      <img
        className="sso-button__icon"
        src={src}
        alt=""
        width={20}
        height={20}
        onError={() => {
          setFailed(true);
        }}
      />
    );
  }
  return (
    <span className="sso-button__icon sso-button__letter" aria-hidden="true">
      {(provider.name.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}

export function SsoMethod({ baseUrl, capabilities, remember }: SignInMethodProps) {
  const go = (idpId: string | undefined) => {
    rememberPendingSignIn({ method: 'sso', baseUrl, remember });
    window.location.assign(ssoRedirectUrl(baseUrl, appReturnUrl(), idpId === undefined ? {} : { idpId }));
  };
  const providers = capabilities.ssoProviders;
  return (
    <div className="method" role="group" aria-label="Single sign-on">
      <h2 className="method__title">Single sign-on</h2>
      {providers.length === 0 ? (
        <button
          type="button"
          className="button button--secondary sso-button"
          onClick={() => {
            go(undefined);
          }}
        >
          Continue with single sign-on
        </button>
      ) : (
        providers.map((provider) => (
          <button
            key={provider.id}
            type="button"
            className="button button--secondary sso-button"
            onClick={() => {
              go(provider.id);
            }}
          >
            <ProviderIcon baseUrl={baseUrl} provider={provider} />
            Continue with {provider.name}
          </button>
        ))
      )}
      <p className="hint">You will sign in at your identity provider and come back here.</p>
    </div>
  );
}

export const ssoMethod: SignInMethodDescriptor = {
  id: 'sso',
  isAvailable: (capabilities) =>
    capabilities.loginFlows?.some((flow) => flow.type === 'm.login.sso') === true,
  Component: SsoMethod,
};

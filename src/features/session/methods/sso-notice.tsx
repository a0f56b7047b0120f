/**
 * A placeholder in the method list for servers that offer single sign-on (`m.login.sso` identity
 * providers) or OAuth 2.0: it names what the server offers and says support is coming. The SSO and
 * OAuth method modules of a later issue replace this entry in the registry.
 */
import type { SignInMethodDescriptor, SignInMethodProps } from './method-descriptor.ts';

export function SsoNotice({ capabilities }: SignInMethodProps) {
  return (
    <div className="method">
      <h2 className="method__title">Single sign-on</h2>
      <p className="hint">
        This server also offers{' '}
        {capabilities.oauth ? 'OAuth 2.0' : capabilities.ssoProviders.map((p) => p.name).join(', ')}. Support
        for it is coming in the next release.
      </p>
    </div>
  );
}

export const ssoNotice: SignInMethodDescriptor = {
  id: 'sso-notice',
  isAvailable: (capabilities) => capabilities.ssoProviders.length > 0 || capabilities.oauth !== null,
  Component: SsoNotice,
};

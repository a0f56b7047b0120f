/**
 * The first screen: one "Homeserver" field (a URL, a server name or a full user ID), then the
 * sign-in methods that server offers, taken from the method registry (`methods/registry.ts`), with
 * "Remember me". Each method lives in its own module under `methods/`; this page only discovers
 * the server (`use-server-discovery.ts`) and hands the new session, the remember flag and the
 * probed capabilities to `onSignedIn`.
 */
import { useId, useState, type SyntheticEvent } from 'react';
import { Banner } from '../../components/banner.tsx';
import type { AnySession, ServerCapabilities } from '../../matrix/types.ts';
import { signInErrorMessage } from './error-message.ts';
import { signInMethods } from './methods/registry.ts';
import { useServerDiscovery, type DiscoveredServer } from './use-server-discovery.ts';

/** Signing in again after a soft logout: same server, same user, same device. */
export type SignInResume = { baseUrl: string; userId: string; deviceId: string };

export type SignInPageProps = {
  /** `capabilities`: what this page probed on the server, so the app can sync without probing again. */
  onSignedIn: (session: AnySession, remember: boolean, capabilities: ServerCapabilities) => void;
  /** After a soft logout: discover this server at once and re-use the device. */
  resume?: SignInResume;
  /** Shown above the form, e.g. "Your session expired". */
  notice?: string;
  /** A server to discover at once (e.g. the one a failed single sign-on was for). */
  server?: string;
};

export function SignInPage({ onSignedIn, notice, resume, server: initialServer }: SignInPageProps) {
  const [input, setInput] = useState(resume?.baseUrl ?? initialServer ?? '');
  const [remember, setRemember] = useState(true);
  const { server, error, isPending, discover } = useServerDiscovery(resume?.baseUrl ?? initialServer);
  const homeserverId = useId();

  const onDiscover = (e: SyntheticEvent) => {
    e.preventDefault();
    discover(input);
  };

  return (
    <main className="sign-in">
      <div className="sign-in__card">
        <h1 className="sign-in__title">Account Data Inspector</h1>
        <p className="sign-in__lede">
          See, search and safely edit the account data your Matrix clients store on your homeserver — live.
        </p>
        {notice ? <Banner tone="warning">{notice}</Banner> : null}
        <form onSubmit={onDiscover} className="sign-in__server" aria-label="Choose homeserver">
          <label htmlFor={homeserverId}>Homeserver</label>
          <div className="field-row">
            <input
              id={homeserverId}
              name="homeserver"
              value={input}
              onChange={(e) => {
                setInput(e.target.value);
              }}
              placeholder="matrix.org, https://matrix.example.org or @you:example.org"
              autoComplete="url"
              autoCapitalize="off"
              spellCheck={false}
              required
            />
            <button type="submit" className="button button--primary" disabled={isPending}>
              {isPending ? 'Checking…' : 'Continue'}
            </button>
          </div>
          <p className="hint">A homeserver URL, a server name, or your full user ID.</p>
          {error ? <Banner tone="critical">{signInErrorMessage(error, 'discovery')}</Banner> : null}
        </form>

        {server ? (
          <section className="sign-in__methods" aria-label="Sign-in methods">
            <p className="sign-in__server-name">
              Signing in to <strong>{server.discovery.baseUrl}</strong>
              {server.capabilities.slidingSync ? null : (
                <span className="hint"> — no sliding sync here; the inspector will use /v3/sync.</span>
              )}
            </p>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={remember}
                onChange={(e) => {
                  setRemember(e.target.checked);
                }}
              />{' '}
              Remember me on this browser
            </label>
            <MethodList
              server={server}
              resume={resume}
              remember={remember}
              onSignedIn={(session) => {
                onSignedIn(session, remember, server.capabilities);
              }}
            />
          </section>
        ) : null}
      </div>
    </main>
  );
}

/** Every registered method the server offers, in registry order. */
function MethodList({
  server: { discovery, capabilities },
  resume,
  remember,
  onSignedIn,
}: {
  server: DiscoveredServer;
  resume: SignInResume | undefined;
  remember: boolean;
  onSignedIn: (session: AnySession) => void;
}) {
  return (
    <ul className="method-list">
      {signInMethods
        .filter((method) => method.isAvailable(capabilities))
        .map(({ id, Component }) => (
          <li key={id}>
            <Component
              baseUrl={discovery.baseUrl}
              capabilities={capabilities}
              defaultUser={resume?.userId ?? discovery.userId ?? ''}
              {...(resume ? { deviceId: resume.deviceId } : {})}
              remember={remember}
              onSignedIn={onSignedIn}
            />
          </li>
        ))}
    </ul>
  );
}

/**
 * The first screen: one "Homeserver" field (a URL, a server name or a full user ID), then the
 * sign-in methods that server offers. Laid out as a list of methods so SSO and OAuth 2.0 (a later
 * issue) slot in beside password and access token.
 */
import { useEffect, useId, useState, type SyntheticEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { discoverHomeserver, getServerCapabilities, type DiscoveryResult } from '../../matrix/discovery.ts';
import { accessTokenSignIn, passwordSignIn } from '../../matrix/auth.ts';
import type { ServerCapabilities, Session } from '../../matrix/types.ts';
import { signInErrorMessage } from './error-message.ts';

/** Signing in again after a soft logout: same server, same user, same device. */
export type SignInResume = { baseUrl: string; userId: string; deviceId: string };

export type SignInPageProps = {
  onSignedIn: (session: Session, remember: boolean) => void;
  /** After a soft logout: discover this server at once and re-use the device. */
  resume?: SignInResume;
  /** Shown above the form, e.g. "Your session expired". */
  notice?: string;
};

type Server = { discovery: DiscoveryResult; capabilities: ServerCapabilities };

export function SignInPage({ onSignedIn, notice, resume }: SignInPageProps) {
  const [input, setInput] = useState(resume?.baseUrl ?? '');
  const [server, setServer] = useState<Server | null>(null);
  const [remember, setRemember] = useState(true);
  const homeserverId = useId();

  const discover = useMutation({
    mutationFn: async (text: string): Promise<Server> => {
      const discovery = await discoverHomeserver(text);
      const capabilities = await getServerCapabilities(discovery.baseUrl);
      return { discovery, capabilities };
    },
    onSuccess: setServer,
  });
  // After a soft logout the server is known: go straight to its sign-in methods (once).
  const resumeUrl = resume?.baseUrl;
  const { mutate: discoverMutate } = discover;
  useEffect(() => {
    if (resumeUrl) discoverMutate(resumeUrl);
  }, [resumeUrl, discoverMutate]);

  const onDiscover = (e: SyntheticEvent) => {
    e.preventDefault();
    setServer(null);
    discover.mutate(input);
  };

  return (
    <main className="sign-in">
      <div className="sign-in__card">
        <h1 className="sign-in__title">Account Data Inspector</h1>
        <p className="sign-in__lede">
          See, search and safely edit the account data your Matrix clients store on your homeserver — live.
        </p>
        {notice ? (
          <p className="banner banner--warning" role="status">
            {notice}
          </p>
        ) : null}
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
            <button type="submit" className="button button--primary" disabled={discover.isPending}>
              {discover.isPending ? 'Checking…' : 'Continue'}
            </button>
          </div>
          <p className="hint">A homeserver URL, a server name, or your full user ID.</p>
          {discover.isError ? (
            <p className="banner banner--error" role="alert">
              {signInErrorMessage(discover.error, 'discovery')}
            </p>
          ) : null}
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
            <ul className="method-list">
              {passwordSignIn.isAvailable(server.capabilities) ? (
                <li>
                  <PasswordMethod
                    baseUrl={server.discovery.baseUrl}
                    defaultUser={resume?.userId ?? server.discovery.userId ?? ''}
                    {...(resume ? { deviceId: resume.deviceId } : {})}
                    onSignedIn={(s) => {
                      onSignedIn(s, remember);
                    }}
                  />
                </li>
              ) : null}
              <li>
                <AccessTokenMethod
                  baseUrl={server.discovery.baseUrl}
                  onSignedIn={(s) => {
                    onSignedIn(s, remember);
                  }}
                />
              </li>
              {server.capabilities.ssoProviders.length > 0 || server.capabilities.oauth ? (
                <li className="method method--soon">
                  <h2 className="method__title">Single sign-on</h2>
                  <p className="hint">
                    This server also offers{' '}
                    {server.capabilities.oauth
                      ? 'OAuth 2.0'
                      : server.capabilities.ssoProviders.map((p) => p.name).join(', ')}
                    . Support for it is coming in the next release.
                  </p>
                </li>
              ) : null}
            </ul>
          </section>
        ) : null}
      </div>
    </main>
  );
}

function PasswordMethod(props: {
  baseUrl: string;
  defaultUser: string;
  /** Re-use this device (soft logout keeps the device and its state, PROTOCOL §1.4). */
  deviceId?: string;
  onSignedIn: (s: Session) => void;
}) {
  const [user, setUser] = useState(props.defaultUser);
  const [password, setPassword] = useState('');
  const userId = useId();
  const passwordId = useId();
  const signIn = useMutation({
    mutationFn: () =>
      passwordSignIn.signIn(props.baseUrl, {
        user: user.trim(),
        password,
        ...(props.deviceId ? { deviceId: props.deviceId } : {}),
      }),
    onSuccess: props.onSignedIn,
  });
  return (
    <form
      className="method"
      aria-label="Sign in with password"
      onSubmit={(e) => {
        e.preventDefault();
        signIn.mutate();
      }}
    >
      <h2 className="method__title">Password</h2>
      <label htmlFor={userId}>Username</label>
      <input
        id={userId}
        value={user}
        onChange={(e) => {
          setUser(e.target.value);
        }}
        autoComplete="username"
        autoCapitalize="off"
        spellCheck={false}
        required
      />
      <label htmlFor={passwordId}>Password</label>
      <input
        id={passwordId}
        type="password"
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
        }}
        autoComplete="current-password"
        required
      />
      {signIn.isError ? (
        <p className="banner banner--error" role="alert">
          {signInErrorMessage(signIn.error)}
        </p>
      ) : null}
      <button type="submit" className="button button--primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function AccessTokenMethod(props: { baseUrl: string; onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const tokenId = useId();
  const signIn = useMutation({
    mutationFn: () => accessTokenSignIn.signIn(props.baseUrl, { accessToken: token }),
    onSuccess: props.onSignedIn,
  });
  return (
    <form
      className="method"
      aria-label="Sign in with an access token"
      onSubmit={(e) => {
        e.preventDefault();
        signIn.mutate();
      }}
    >
      <h2 className="method__title">Access token</h2>
      <label htmlFor={tokenId}>Access token</label>
      <input
        id={tokenId}
        type="password"
        value={token}
        onChange={(e) => {
          setToken(e.target.value);
        }}
        autoComplete="off"
        spellCheck={false}
        required
      />
      <p className="hint">
        Use a token of a device dedicated to the inspector: syncing with another client&apos;s token drains
        that device&apos;s to-device messages.
      </p>
      {signIn.isError ? (
        <p className="banner banner--error" role="alert">
          {signInErrorMessage(signIn.error, 'token')}
        </p>
      ) : null}
      <button type="submit" className="button button--secondary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Checking…' : 'Sign in with token'}
      </button>
    </form>
  );
}

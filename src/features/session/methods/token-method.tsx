/**
 * Access-token sign-in (`accessTokenSignIn` in `src/matrix/auth.ts`, validated with whoami): a
 * "Sign in with an access token" form, offered on every server. It warns that syncing with another
 * client's token drains that device's to-device messages.
 */
import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Banner } from '../../../components/banner.tsx';
import { accessTokenSignIn } from '../../../matrix/auth.ts';
import { signInErrorMessage } from '../error-message.ts';
import type { SignInMethodDescriptor, SignInMethodProps } from './method-descriptor.ts';

export function AccessTokenMethod({ baseUrl, onSignedIn }: SignInMethodProps) {
  const [token, setToken] = useState('');
  const tokenId = useId();
  const signIn = useMutation({
    mutationFn: () => accessTokenSignIn.signIn(baseUrl, { accessToken: token }),
    onSuccess: onSignedIn,
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
      {signIn.isError ? <Banner tone="critical">{signInErrorMessage(signIn.error, 'token')}</Banner> : null}
      <button type="submit" className="button button--secondary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Checking…' : 'Sign in with token'}
      </button>
    </form>
  );
}

export const accessTokenMethod: SignInMethodDescriptor = {
  id: 'token',
  isAvailable: (capabilities) => accessTokenSignIn.isAvailable(capabilities),
  Component: AccessTokenMethod,
};

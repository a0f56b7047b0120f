/**
 * Password sign-in (`m.login.password` through `passwordSignIn` in `src/matrix/auth.ts`): a
 * "Sign in with password" form with Username and Password, offered when the server lists the
 * password login flow. After a soft logout it re-uses the old device so its state survives.
 */
import { useId, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Banner } from '../../../components/banner.tsx';
import { passwordSignIn } from '../../../matrix/auth.ts';
import { signInErrorMessage } from '../error-message.ts';
import type { SignInMethodDescriptor, SignInMethodProps } from './method-descriptor.ts';

export function PasswordMethod({ baseUrl, defaultUser, deviceId, onSignedIn }: SignInMethodProps) {
  const [user, setUser] = useState(defaultUser);
  const [password, setPassword] = useState('');
  const userId = useId();
  const passwordId = useId();
  const signIn = useMutation({
    mutationFn: () =>
      passwordSignIn.signIn(baseUrl, {
        user: user.trim(),
        password,
        ...(deviceId ? { deviceId } : {}),
      }),
    onSuccess: onSignedIn,
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
      {signIn.isError ? <Banner tone="critical">{signInErrorMessage(signIn.error)}</Banner> : null}
      <button type="submit" className="button button--primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

export const passwordMethod: SignInMethodDescriptor = {
  id: 'password',
  isAvailable: (capabilities) => passwordSignIn.isAvailable(capabilities),
  Component: PasswordMethod,
};

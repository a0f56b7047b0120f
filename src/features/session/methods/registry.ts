/**
 * The sign-in methods the page may offer, in display order. The page shows every entry whose
 * `isAvailable` holds for the probed server; adding a method (SSO, OAuth 2.0) is one entry here.
 */
import type { SignInMethodDescriptor } from './method-descriptor.ts';
import { passwordMethod } from './password-method.tsx';
import { ssoNotice } from './sso-notice.tsx';
import { accessTokenMethod } from './token-method.tsx';

export const signInMethods: readonly SignInMethodDescriptor[] = [
  passwordMethod,
  accessTokenMethod,
  ssoNotice,
];

/**
 * The sign-in methods the page may offer, in display order. The page shows every entry whose
 * `isAvailable` holds for the probed server. OAuth 2.0 comes first: a server that publishes
 * `auth_metadata` wants it used (and may offer no `/login` at all, docs/protocol.md §1.3). The
 * application-service method comes last: it is for bridge developers, not for people.
 */
import { appserviceMethod } from './appservice-method.tsx';
import type { SignInMethodDescriptor } from './method-descriptor.ts';
import { oauthMethod } from './oauth-method.tsx';
import { passwordMethod } from './password-method.tsx';
import { ssoMethod } from './sso-method.tsx';
import { accessTokenMethod } from './token-method.tsx';

export const signInMethods: readonly SignInMethodDescriptor[] = [
  oauthMethod,
  passwordMethod,
  ssoMethod,
  accessTokenMethod,
  appserviceMethod,
];

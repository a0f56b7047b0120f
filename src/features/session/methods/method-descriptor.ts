/**
 * The shape every sign-in method module exports, so the sign-in page can list "the methods this
 * server offers" from one registry (`registry.ts`) instead of knowing each method. A descriptor
 * pairs an availability test on the probed {@link ServerCapabilities} (usually a `SignInMethod`'s
 * `isAvailable` from `src/matrix/auth.ts`) with the component that collects the credentials.
 * Adding SSO or OAuth 2.0 is one new module and one registry entry.
 */
import type { ComponentType } from 'react';
import type { AnySession, ServerCapabilities } from '../../../matrix/types.ts';

/** What the page hands every method: the discovered server and where a new session goes. */
export type SignInMethodProps = {
  /** The discovered homeserver base URL. */
  baseUrl: string;
  /** What the page probed on that server (versions, login flows, OAuth metadata). */
  capabilities: ServerCapabilities;
  /** Prefill for a username: the soft-logout user, the user ID typed as homeserver, or ''. */
  defaultUser: string;
  /** Re-use this device (soft logout keeps the device and its state, docs/protocol.md §1.4). */
  deviceId?: string;
  /** "Remember me", for methods that leave the app and must record it before going (SSO, OAuth). */
  remember: boolean;
  /** A user's session, or an application service's (the appservice method). */
  onSignedIn: (session: AnySession) => void;
};

/** One entry of the method list. */
export type SignInMethodDescriptor = {
  /** Stable React key and name for tests and logs. */
  readonly id: string;
  readonly isAvailable: (capabilities: ServerCapabilities) => boolean;
  readonly Component: ComponentType<SignInMethodProps>;
};

/**
 * Facts about the test identity provider (test-support/idp/server.ts) that tests and the server share.
 * Importing this module starts nothing. See docs/decisions/010-test-identity-provider.md.
 */

/** Every username signs in at the provider's own form with this password; any other is refused. */
export const IDP_PASSWORD = 'idp-password';

/** The provider's port: `IDP_PORT`, 8010 by default. */
export function idpPort(): number {
  return Number(process.env.IDP_PORT ?? 8010);
}

/** The issuer, which is also the base URL: `http://127.0.0.1:8010` by default. */
export function idpIssuer(): string {
  return `http://127.0.0.1:${idpPort()}`;
}

/** The client ID Synapse uses at the provider (its secret lives in `.cache/synapse/idp-client-secret`). */
export const SYNAPSE_CLIENT_ID = 'synapse';

/** How Synapse lists the provider in `GET /login` (`oidc_providers[].idp_id` gets the `oidc-` prefix). */
export const SYNAPSE_IDP = { id: 'oidc-testidp', name: 'Test IdP' } as const;

/** The display name the provider's `name` claim carries for `username`. */
export function idpDisplayName(username: string): string {
  return `IdP ${username}`;
}

/** A username nobody has used yet at the provider or on Synapse (lowercase: it becomes a localpart). */
export function freshIdpUsername(prefix = 'sso'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

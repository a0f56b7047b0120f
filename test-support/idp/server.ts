/**
 * The test identity provider: `oidc-provider` (a certified OpenID provider) on loopback, for Synapse's
 * `oidc_providers` (legacy SSO) and for the browser's own OAuth 2.0 dance (the next-generation auth API).
 * `scripts/homeserver.sh up` starts it before Synapse; by hand: `npx tsx test-support/idp/server.ts`.
 * Why and how: docs/decisions/010-test-identity-provider.md.
 *
 * - Issuer and base URL `http://127.0.0.1:${IDP_PORT:-8010}`.
 * - Its own login form takes any username with the password `idp-password` and refuses any other.
 *   Claims: `sub` and `preferred_username` = the username, `name` = `IdP <username>`.
 * - Static client `synapse` (client_secret_basic; secret in `$IDP_STATE_DIR/synapse-client-secret`,
 *   created on first use and written into homeserver.yaml by homeserver.sh), which skips the consent
 *   screen like any first-party client. Dynamic registration (RFC 7591) without an initial access
 *   token; public clients (`token_endpoint_auth_method: none`) must use PKCE S256; native clients may
 *   register loopback http redirect URIs, whose port is then ignored (RFC 8252 §7.3). Dynamic clients
 *   see a consent screen ("Allow" / "Deny").
 * - Any scope is accepted and granted as requested (e.g. `urn:matrix:client:api:*`,
 *   `urn:matrix:client:device:ABCDEFGHIJ`); a refresh token is issued to every client that registered
 *   the `refresh_token` grant; revocation is on; CORS is open on discovery, token, registration,
 *   revocation and userinfo.
 *
 * Options: `--access-token-ttl <seconds>` (or `IDP_ACCESS_TOKEN_TTL`, default 3600) to exercise refresh.
 * Logs one line per request (method, path without query, status) and never a token, code or secret.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider, { errors, type Configuration, type InteractionResults, type JWK } from 'oidc-provider';
import { IDP_PASSWORD, SYNAPSE_CLIENT_ID, idpDisplayName, idpIssuer, idpPort } from './index.ts';

type Ctx = Parameters<Parameters<Provider['use']>[0]>[0];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STATE_DIR = process.env.IDP_STATE_DIR ?? path.join(ROOT, '.cache', 'synapse', 'idp');
const ISSUER = idpIssuer();

function log(message: string): void {
  process.stdout.write(`[idp] ${new Date().toISOString()} ${message}\n`);
}

function accessTokenTtl(): number {
  const args = process.argv.slice(2);
  let value = process.env.IDP_ACCESS_TOKEN_TTL;
  args.forEach((arg, i) => {
    if (arg === '--access-token-ttl') value = args[i + 1];
    else if (arg.startsWith('--access-token-ttl=')) value = arg.slice('--access-token-ttl='.length);
  });
  const ttl = Number(value ?? 3600);
  if (!Number.isInteger(ttl) || ttl < 1)
    throw new Error(`--access-token-ttl must be whole seconds, not ${value}`);
  return ttl;
}

/** Reads a state file, or creates it with `make()` (mode 0600): keys and secrets survive restarts. */
function persistent(name: string, make: () => string): string {
  const file = path.join(STATE_DIR, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(STATE_DIR, { recursive: true });
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

/** The ID-token signing key. Stable across restarts, so a running Synapse's cached JWKS stays valid. */
function signingKey(): JWK {
  const json = persistent('jwks.json', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return JSON.stringify({
      ...privateKey.export({ format: 'jwk' }),
      kid: randomUUID(),
      use: 'sig',
      alg: 'RS256',
    });
  });
  return JSON.parse(json) as JWK;
}

function synapseRedirectUris(): string[] {
  const list = process.env.IDP_SYNAPSE_REDIRECT_URIS;
  if (list) return list.split(/[\s,]+/).filter(Boolean);
  return [8008, 8009].map((port) => `http://127.0.0.1:${port}/_synapse/client/oidc/callback`);
}

/**
 * The Matrix scopes are not OpenID scopes, and oidc-provider 9 drops every scope that is neither static
 * nor belongs to a resource server. So they belong to one resource server, `urn:matrix:client`, the
 * default resource of any request that asks for a Matrix scope; its scopes are whatever Matrix scopes
 * the request (or the code or refresh token it redeems) carries, so any device ID is accepted.
 */
const MATRIX_RESOURCE = 'urn:matrix:client';
const MATRIX_SCOPE = /^urn:matrix:(?:org\.matrix\.msc2967\.)?client:/;

function matrixScopes(...sources: unknown[]): string {
  const scopes = sources.flatMap((s) => (typeof s === 'string' ? s.split(' ') : []));
  return [...new Set(scopes.filter((s) => MATRIX_SCOPE.test(s)))].join(' ');
}

const configuration: Configuration = {
  clients: [
    {
      client_id: SYNAPSE_CLIENT_ID,
      client_secret: persistent('synapse-client-secret', () => randomBytes(32).toString('hex')),
      client_name: 'Synapse',
      redirect_uris: synapseRedirectUris(),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey()] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  responseTypes: ['code'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  // Synapse reads the profile claims from the ID token (it skips userinfo when `openid` is requested).
  conformIdTokenClaims: false,
  findAccount: (_ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, preferred_username: sub, name: idpDisplayName(sub) }),
  }),
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true, initialAccessToken: false },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, _client, oneOf) =>
        oneOf?.[0] ?? (matrixScopes(ctx.oidc.params?.scope) ? MATRIX_RESOURCE : undefined),
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (resource !== MATRIX_RESOURCE) throw new errors.InvalidTarget();
        const { params, entities } = ctx.oidc;
        return {
          scope: matrixScopes(params?.scope, entities.AuthorizationCode?.scope, entities.RefreshToken?.scope),
          accessTokenFormat: 'opaque',
        };
      },
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // The default needs `offline_access`; Matrix clients never ask for it.
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // A test provider on loopback: every origin may call it from a browser.
  clientBasedCORS: () => true,
  ttl: {
    AccessToken: accessTokenTtl(),
    Grant: 14 * 24 * 3600,
    Interaction: 3600,
    Session: 14 * 24 * 3600,
    RefreshToken: 14 * 24 * 3600,
  },
};

const provider = new Provider(ISSUER, configuration);

// --- HTML ------------------------------------------------------------------------------------------

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Test IdP</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto}label{display:block;margin:.75rem 0}
input{display:block;width:100%;padding:.4rem}button{margin:.75rem .5rem 0 0;padding:.4rem 1rem}
[role=alert]{color:#a00}</style></head>
<body><main><p>Test IdP</p><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid: string, clientName: string, error?: string, username = ''): string {
  return page(
    'Sign in',
    `<p>to continue to ${escapeHtml(clientName)}</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" aria-label="Sign in" autocomplete="off">
<label>Username <input name="username" required autofocus value="${escapeHtml(username)}"></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

function consentPage(uid: string, clientName: string, scopes: string[]): string {
  return page(
    'Authorize',
    `<p>${escapeHtml(clientName)} asks for:</p>
<ul aria-label="Requested scopes">${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Deny</button></form>`,
  );
}

// --- Interactions (login, consent) -----------------------------------------------------------------

async function readForm(ctx: Ctx): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function clientName(clientId: string): Promise<string> {
  const client = await provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}

/** Grants everything the request asked for: every scope (Matrix ones included) and claim. */
async function grantAll(
  accountId: string,
  clientId: string,
  scope: string,
  grantId: string | undefined,
  details: Record<string, unknown>,
): Promise<string> {
  const grant =
    (grantId === undefined ? undefined : await provider.Grant.find(grantId)) ??
    new provider.Grant({ accountId, clientId });
  if (scope) grant.addOIDCScope(scope);
  const claims = details.missingOIDCClaims;
  if (Array.isArray(claims)) grant.addOIDCClaims(claims as string[]);
  const resourceScopes = details.missingResourceScopes;
  if (resourceScopes && typeof resourceScopes === 'object') {
    for (const [indicator, scopes] of Object.entries(resourceScopes as Record<string, string[]>)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

const INTERACTION = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/;

async function interaction(ctx: Ctx, action: string | undefined): Promise<void> {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const clientId = String(details.params.client_id);
  const scope = typeof details.params.scope === 'string' ? details.params.scope : '';
  const prompt = details.prompt.name;
  ctx.set('Cache-Control', 'no-store');

  const finish = async (result: InteractionResults, merge: boolean): Promise<void> => {
    const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.status = 303;
    ctx.redirect(to);
  };

  if (action === undefined && ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body =
      prompt === 'login'
        ? loginPage(details.uid, await clientName(clientId))
        : consentPage(details.uid, await clientName(clientId), scope.split(' ').filter(Boolean));
    return;
  }
  if (ctx.method !== 'POST') ctx.throw(405);

  if (action === 'login' && prompt === 'login') {
    const form = await readForm(ctx);
    const username = (form.get('username') ?? '').trim();
    if (!username || form.get('password') !== IDP_PASSWORD) {
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = loginPage(
        details.uid,
        await clientName(clientId),
        'Invalid username or password.',
        username,
      );
      return;
    }
    const result: InteractionResults = { login: { accountId: username } };
    // Synapse is first-party here: no consent screen, as with a company's own SSO.
    if (clientId === SYNAPSE_CLIENT_ID) {
      result.consent = { grantId: await grantAll(username, clientId, scope, details.grantId, {}) };
    }
    await finish(result, false);
    return;
  }
  if (action === 'confirm' && prompt === 'consent') {
    const accountId = details.session?.accountId;
    if (accountId === undefined) ctx.throw(400, 'no session');
    const grantId = await grantAll(accountId, clientId, scope, details.grantId, details.prompt.details);
    await finish({ consent: { grantId } }, true);
    return;
  }
  if (action === 'abort') {
    await finish({ error: 'access_denied', error_description: 'End-User aborted interaction' }, false);
    return;
  }
  ctx.throw(400, `unexpected ${action ?? 'request'} during the ${prompt} prompt`);
}

provider.use(async (ctx, next) => {
  const started = Date.now();
  try {
    // oidc-provider gives the registration endpoint no CORS; a browser app registers itself.
    const origin = ctx.get('Origin');
    if (ctx.path === '/reg' && origin) {
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', origin);
      if (ctx.method === 'OPTIONS') {
        ctx.set('Access-Control-Allow-Methods', 'POST');
        ctx.set('Access-Control-Allow-Headers', ctx.get('Access-Control-Request-Headers') || 'Content-Type');
        ctx.status = 204;
        return;
      }
    }
    const match = INTERACTION.exec(ctx.path);
    if (!match) {
      await next();
      return;
    }
    try {
      await interaction(ctx, match[2]);
    } catch (error) {
      ctx.status = (error as { status?: number }).status ?? 400;
      ctx.type = 'html';
      ctx.body = page('Sign-in failed', `<p role="alert">${escapeHtml((error as Error).message)}</p>`);
    }
  } finally {
    log(`${ctx.method} ${ctx.path} ${ctx.status} ${Date.now() - started}ms`);
  }
});

provider.on('server_error', (_ctx, error) => {
  log(`server error: ${error.message}`);
});
type OAuthError = { error?: string; error_description?: string };
const logError = (event: string) => (_ctx: unknown, error: OAuthError) => {
  log(`${event}: ${error.error ?? ''} ${error.error_description ?? ''}`);
};
provider.on('authorization.error', logError('authorization.error'));
provider.on('grant.error', logError('grant.error'));
provider.on('registration_create.error', logError('registration_create.error'));
provider.on('revocation.error', logError('revocation.error'));

const server = provider.listen(idpPort(), '127.0.0.1', () => {
  log(`issuer ${ISSUER} ready (access tokens live ${accessTokenTtl()} s)`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}

/**
 * The Content Security Policy of the production build (issue #14, docs/decisions/016-csp.md).
 *
 * One list of directives, two deliveries:
 * - the `Content-Security-Policy` response header of `vite preview` (vite.config.ts `preview.headers`),
 *   the reference for any static host that serves `dist/`;
 * - a `<meta http-equiv="Content-Security-Policy">` injected into `dist/index.html` by
 *   {@link cspMetaPlugin} (build only), so the policy travels with the files even on a host that sets
 *   no headers. A meta policy cannot carry `frame-ancestors` (browsers ignore it there, with a
 *   console warning), so the meta gets every directive but the header-only ones.
 *
 * The dev server gets neither: Vite's dev server injects an inline React Refresh preamble, serves
 * modules from `/@vite/…`/`/@react-refresh` and talks HMR over a WebSocket — a strict policy would
 * break it, and a loose one would prove nothing.
 */
import type { Plugin } from 'vite';

/** Directives in the order they are written. Values are joined with spaces. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  // The built app is module scripts from our own origin only: no inline script, no eval (ajv's code
  // generation would need 'unsafe-eval'; the schema checker is @cfworker/json-schema instead).
  'script-src': ["'self'"],
  // Monaco's JSON and editor workers are Vite `?worker` files under /assets (module workers).
  'worker-src': ["'self'"],
  // Monaco injects <style> elements at run time (themes, decorations) and sets inline `style`
  // attributes, as does React for computed sizes: neither can carry a nonce from a static build.
  'style-src': ["'self'", "'unsafe-inline'"],
  // Monaco's codicon font is a bundled asset.
  'font-src': ["'self'"],
  // Avatars and media: any https server, loopback test servers, data: (inline SVG in Monaco's CSS)
  // and blob: (media fetched with a token and shown through an object URL).
  'img-src': ["'self'", 'https:', 'data:', 'blob:', 'http://localhost:*', 'http://127.0.0.1:*'],
  // Homeservers and OAuth issuers are https (any of them: the user types the server); loopback for
  // the local appservice receiver (EventSource) and test servers on http. No `http://[::1]:*`: CSP's
  // host-source grammar has no IPv6 literals, and Chromium drops the source with a console error
  // ("contains an invalid source"); an IPv6-loopback server is reached as `localhost` instead.
  'connect-src': ["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*'],
  // Downloads are blob: anchors (not navigations a policy governs); nothing is framed or embedded.
  'frame-src': ["'none'"],
  'object-src': ["'none'"],
  'media-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'base-uri': ["'self'"],
  // Every form is handled in script (onSubmit + preventDefault); no form ever posts anywhere.
  'form-action': ["'self'"],
  // Header only: a meta policy cannot stop the page being framed.
  'frame-ancestors': ["'none'"],
};

/** Directives a `<meta http-equiv>` policy ignores (CSP3 §3.3): header only. */
export const HEADER_ONLY_DIRECTIVES: ReadonlySet<string> = new Set([
  'frame-ancestors',
  'report-uri',
  'sandbox',
]);

function serialise(include: (name: string) => boolean): string {
  return Object.entries(CSP_DIRECTIVES)
    .filter(([name]) => include(name))
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** The `Content-Security-Policy` header value (every directive). */
export function cspHeader(): string {
  return serialise(() => true);
}

/** The policy for `<meta http-equiv>`: every directive a meta policy honours. */
export function cspMeta(): string {
  return serialise((name) => !HEADER_ONLY_DIRECTIVES.has(name));
}

/** Response headers of `vite preview`: the policy plus the usual hardening headers. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': cspHeader(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** The `<meta http-equiv>` element of {@link cspMeta} (attribute quoted with `"`; the policy has none). */
export function cspMetaTag(): string {
  return `<meta http-equiv="Content-Security-Policy" content="${cspMeta()}" />`;
}

/**
 * Vite plugin (build only): puts the meta policy in `<head>` of the built `index.html`, right after
 * `<meta charset>` (which must stay in the first 1024 bytes) and before any script or stylesheet, so
 * it applies to all of them.
 */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'account-data-inspector:csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        const charset = /<meta\s+charset=[^>]*>/i.exec(html);
        if (charset) {
          const end = charset.index + charset[0].length;
          return `${html.slice(0, end)}\n    ${cspMetaTag()}${html.slice(end)}`;
        }
        return html.replace(/<head[^>]*>/i, (head) => `${head}\n    ${cspMetaTag()}`);
      },
    },
  };
}

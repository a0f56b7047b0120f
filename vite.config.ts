import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cspMetaPlugin, securityHeaders } from './scripts/csp.ts';

// Ports are fixed so that Playwright, the demo script and the README agree.
// The Content Security Policy (scripts/csp.ts, docs/decisions/016-csp.md) covers the production build
// only: a header from `vite preview` and a <meta> in dist/index.html. `server.headers` stays unset on
// purpose — `preview.headers` would otherwise fall back to it, and the dev server cannot run under it.
export default defineConfig({
  plugins: [react(), cspMetaPlugin()],
  server: { port: 5173, strictPort: false, host: '127.0.0.1' },
  preview: { port: 4173, strictPort: true, host: '127.0.0.1', headers: securityHeaders() },
  build: {
    target: 'es2022',
    sourcemap: true,
    manifest: true,
    // Monaco's lazy chunk is ~3.9 MB by design, with every editor contribution (src/editor/monaco-setup.ts);
    // it is never in the entry chunk (scripts/check-bundle.mjs).
    chunkSizeWarningLimit: 4500,
  },
  worker: { format: 'es' },
});

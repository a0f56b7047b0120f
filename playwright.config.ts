import { defineConfig } from '@playwright/test';

// E2E runs in Debian's chromium against the real Synapse started by scripts/homeserver.sh. Never
// download a browser: executablePath points at the system one.
//
// Two projects, one web server each:
//   preview  the production build (`vite preview`, built by `npm test` beforehand): every spec except
//            the dev-server one.
//   dev      the dev server, exactly what `npm start` serves (`vite`, React StrictMode mounting effects
//            twice, deps pre-bundled on first request): e2e/dev-server.spec.ts, and the SSO and OAuth
//            specs, whose one-time codes StrictMode's double mount must not spend twice, and the
//            appservice spec (one sync engine per user, started and stopped by effects), and the support
//            tools (report, validation, export/import: reads and downloads started by effects). Issue #7 broke
//            sign-in there only, while every preview test was green.
// Ports move with E2E_PORT / E2E_DEV_PORT (a second checkout side by side). The dev default is 5174 so
// that a developer's own `npm start` on 5173 never clashes with it.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? 5174);
const DEV_ONLY = /dev-server\.spec\.ts$/;
const DEV_SPECS = /(dev-server|sso|oauth|appservice|report|validation|transfer)\.spec\.ts$/;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    {
      name: 'preview',
      testIgnore: DEV_ONLY,
      use: { baseURL: `http://127.0.0.1:${PORT}` },
    },
    {
      name: 'dev',
      testMatch: DEV_SPECS,
      use: { baseURL: `http://127.0.0.1:${DEV_PORT}` },
    },
  ],
  webServer: [
    {
      name: 'preview',
      command: `npx vite preview --strictPort --port ${PORT} --host 127.0.0.1`,
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      name: 'dev',
      command: `npx vite --strictPort --port ${DEV_PORT} --host 127.0.0.1`,
      url: `http://127.0.0.1:${DEV_PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
  ],
});

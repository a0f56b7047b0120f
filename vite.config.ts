import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Ports are fixed so that Playwright, the demo script and the README agree.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: false, host: '127.0.0.1' },
  preview: { port: 4173, strictPort: true, host: '127.0.0.1' },
  build: {
    target: 'es2022',
    sourcemap: true,
    manifest: true,
    // Monaco's lazy chunk is ~3 MB by design; it is never in the entry chunk (see e2e/bundle.spec.ts).
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
});

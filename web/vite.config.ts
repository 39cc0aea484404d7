// The web app's build: one bundle under web/dist, served by the API server itself (src/api/web.ts),
// so the app and the API share an origin and no CORS is needed.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for UI work: API calls go to a running `npm start`.
    proxy: Object.fromEntries(['/v1', '/policy', '/ussd', '/docs', '/openapi.json'].map((path) => [path, 'http://127.0.0.1:3000'])),
  },
});

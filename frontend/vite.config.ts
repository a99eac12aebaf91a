import { defineConfig } from 'vite';

import { precompress } from './precompress.js';

// The backend (aiohttp + python-socketio) listens on 127.0.0.1:8080 during development.
// In production it serves the built files from frontend/dist itself, so no proxy is involved.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  // Brotli and gzip copies of the built text files, which the server sends to browsers that accept them.
  plugins: [precompress()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      // The backend refuses state-changing requests and socket connections whose Origin is not an
      // allowed origin. Through this proxy the browser's origin is the dev server's, so present the
      // backend's own origin instead: the proxy stands in for a same-origin deployment.
      '/api': { target: backend, headers: { origin: backend } },
      '/socket.io': { target: backend, ws: true, headers: { origin: backend } },
    },
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
  },
});

import { defineConfig } from 'vite';

// The web client: vanilla TypeScript in client/, built to client/dist and served by the server.
export default defineConfig({
  root: 'client',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    fs: { allow: ['..'] },
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});

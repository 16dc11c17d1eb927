import { defineConfig } from 'vite'

/**
 * The dashboard's build: `npx vite build web` (from the repository root) writes web/dist, which
 * the API server serves under /dashboard/.
 *
 * NOTE: JSX goes through Vite's built-in Oxc transform (React's automatic runtime); no React
 * plugin is needed for a production build.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/dashboard/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
})

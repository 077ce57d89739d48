import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** The budget for what a first visit downloads before the first screen: the entry chunk and its static imports. */
export const INITIAL_JS_BUDGET_BYTES = 250 * 1024;

/** Prints the initial JavaScript (gzip) after the build and fails it when over budget. */
function initialJsReport(): Plugin {
  return {
    name: 'enlace-initial-js',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle)
          .filter((c) => c.type === 'chunk')
          .map((c) => [c.fileName, c] as const),
      );
      const entry = [...chunks.values()].find((c) => c.type === 'chunk' && c.isEntry);
      if (!entry || entry.type !== 'chunk') return;
      const seen = new Set<string>();
      const visit = (name: string) => {
        const c = chunks.get(name);
        if (!c || c.type !== 'chunk' || seen.has(name)) return;
        seen.add(name);
        c.imports.forEach(visit);
      };
      visit(entry.fileName);
      let gzip = 0;
      for (const name of seen) {
        const c = chunks.get(name);
        if (c?.type === 'chunk') gzip += gzipSync(c.code).length;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(
        `web client: initial JavaScript ${kb(gzip)} gzip in ${seen.size} file(s) (budget ${kb(INITIAL_JS_BUDGET_BYTES)})`,
      );
      if (gzip > INITIAL_JS_BUDGET_BYTES) this.error(`initial JavaScript is over budget: ${kb(gzip)} gzip`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    assetsDir: 'assets',
    rolldownOptions: {
      // react-router marks its modules "use client" (for server components); harmless in a browser bundle
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE' || log.code === 'PLUGIN_TIMINGS') return;
        handler(level, log);
      },
    },
  },
  plugins: [initialJsReport()],
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});

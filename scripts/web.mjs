/**
 * `npm run web`: builds the web version (vite.web.config.ts → out/web) and serves it with
 * `vite preview`, printing its URL. Stop it with Ctrl-C.
 *
 *   npm run web               serve on http://localhost:4173/ (the next free port if taken)
 *   npm run web -- --port N   serve on port N
 *   npm run web -- --host     listen on every interface (e.g. to show a classroom screen)
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'boolean', default: false },
  },
});

const configFile = fileURLToPath(new URL('../vite.web.config.ts', import.meta.url));
await build({ configFile, logLevel: 'warn' });
const server = await preview({
  configFile,
  preview: {
    port: values.port === undefined ? 4173 : Number(values.port),
    strictPort: values.port !== undefined,
    host: values.host,
    open: false,
  },
});
const urls = server.resolvedUrls;
const url = urls?.local[0] ?? urls?.network[0];
console.log(url ? `UVMScope (web build) is served at ${url}` : 'UVMScope (web build) is served; vite did not report its URL.');

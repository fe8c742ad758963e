/**
 * How much JavaScript the web build makes a browser load before the app can start: the scripts index.html loads up
 * front (its `<script type="module" src>` entries and every `<link rel="modulepreload" href>`), each counted once,
 * raw and gzipped (node:zlib at level 9, the most a server would compress them), with every chunk those import
 * statically. The entry script (src/renderer/boot.ts) starts the engine and then loads the app with `import()` at
 * once, so the chunks an entry script imports dynamically count as initial too (with their static imports). Chunks the
 * app itself imports later (`import()` from those: the editor, the palette, a translation) are not initial; the
 * engine's Worker script is not named by index.html either (the app starts it as soon as it runs), so it is reported
 * beside the initial figure, with the total of every .js file in the build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export const GZIP_LEVEL = 9;

/** The scripts an HTML page loads up front: module scripts with a src, and modulepreload links, in document order. */
export function initialScripts(html: string, only?: 'scripts'): string[] {
  const out: string[] = [];
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(1).find((v) => v !== undefined);
  // comments hide what they contain
  const text = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of text.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const tag = m[0];
    let src: string | undefined;
    if (m[1].toLowerCase() === 'script') {
      if ((attr(tag, 'type') ?? '').toLowerCase() !== 'module') continue;
      src = attr(tag, 'src');
    } else {
      if (only === 'scripts') continue;
      if (!(attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/).includes('modulepreload')) continue;
      src = attr(tag, 'href');
    }
    if (src && !out.includes(src)) out.push(src);
  }
  return out;
}

export interface JsFile {
  /** Path relative to the build folder. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface InitialJs {
  /** What index.html loads up front. */
  initial: JsFile[];
  initialBytes: number;
  initialGzipBytes: number;
  /** Every .js file of the build (the Worker's and lazily loaded chunks included). */
  all: JsFile[];
  totalBytes: number;
  totalGzipBytes: number;
  gzipLevel: number;
}

/** The relative chunks a built module imports: statically (`import … from "./x.js"`, `import "./x.js"`) or with `import()`. */
export function chunkImports(code: string): { static: string[]; dynamic: string[] } {
  const rel = String.raw`(\.{1,2}\/[^"'\`\s]+?\.m?js)`;
  const stat = [...code.matchAll(new RegExp(String.raw`(?:\bfrom\s*|\bimport\s*)["']` + rel + `["']`, 'g'))].map((m) => m[1]);
  const dyn = [...code.matchAll(new RegExp(String.raw`\bimport\(\s*["'\`]` + rel + "[\"'`]\\s*\\)", 'g'))].map((m) => m[1]);
  return { static: [...new Set(stat)], dynamic: [...new Set(dyn)] };
}

function sizeOf(dir: string, file: string): JsFile {
  const bytes = readFileSync(join(dir, file));
  return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: GZIP_LEVEL }).length };
}

function jsFiles(dir: string, under = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(under, { withFileTypes: true })) {
    const p = join(under, e.name);
    if (e.isDirectory()) out.push(...jsFiles(dir, p));
    else if (/\.m?js$/.test(e.name)) out.push(relative(dir, p).split(sep).join('/'));
  }
  return out.sort();
}

/** The initial and total JavaScript of a built web app (a folder holding index.html). */
export function measureInitialJs(webDir: string): InitialJs {
  const html = readFileSync(join(webDir, 'index.html'), 'utf8');
  const root = resolve(webDir);
  const initial = initialScripts(html).map((src) => {
    if (/^[a-z]+:|^\/\//i.test(src)) throw new Error(`index.html loads ${src} from elsewhere: not part of the build`);
    const path = resolve(root, src.replace(/^\//, '').replace(/[?#].*$/, ''));
    if (!path.startsWith(root + sep)) throw new Error(`index.html loads ${src}, outside the build folder`);
    return sizeOf(root, relative(root, path).split(sep).join('/'));
  });
  // the entry scripts' dynamic imports (the app, loaded at once by boot.ts), then every static import of what is initial
  const files = initial.map((f) => f.file);
  const resolveFrom = (from: string, spec: string) => relative(root, resolve(root, from, '..', spec)).split(sep).join('/');
  const add = (file: string) => {
    if (!files.includes(file)) files.push(file);
  };
  const entries = initialScripts(html, 'scripts').map((src) => src.replace(/^\.?\//, '').replace(/[?#].*$/, ''));
  for (const entry of entries) for (const spec of chunkImports(readFileSync(join(root, entry), 'utf8')).dynamic) add(resolveFrom(entry, spec));
  for (let i = 0; i < files.length; i++) for (const spec of chunkImports(readFileSync(join(root, files[i]), 'utf8')).static) add(resolveFrom(files[i], spec));
  initial.push(...files.slice(initial.length).map((f) => sizeOf(root, f)));
  const all = jsFiles(root).map((f) => sizeOf(root, f));
  const sum = (xs: JsFile[], k: 'bytes' | 'gzipBytes') => xs.reduce((t, f) => t + f[k], 0);
  return {
    initial,
    initialBytes: sum(initial, 'bytes'),
    initialGzipBytes: sum(initial, 'gzipBytes'),
    all,
    totalBytes: sum(all, 'bytes'),
    totalGzipBytes: sum(all, 'gzipBytes'),
    gzipLevel: GZIP_LEVEL,
  };
}

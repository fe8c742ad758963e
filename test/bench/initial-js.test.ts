import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkImports, initialScripts, measureInitialJs } from '../../bench/initial-js';

const HTML = `<!doctype html>
<html><head>
  <!-- <script type="module" src="./assets/commented.js"></script> -->
  <script type="module" crossorigin src="./assets/index-A.js"></script>
  <link rel="modulepreload" crossorigin href="./assets/vendor-B.js">
  <link rel='modulepreload' href=./assets/index-A.js>
  <link rel="stylesheet" href="./assets/index-C.css">
  <link rel="preload" href="./assets/font.woff2" as="font">
  <script src="./assets/classic.js"></script>
  <script type="module">import './assets/inline.js';</script>
</head><body></body></html>`;

describe('initialScripts', () => {
  it('lists module entries and modulepreload links once, in document order, and nothing else', () => {
    expect(initialScripts(HTML)).toEqual(['./assets/index-A.js', './assets/vendor-B.js']);
  });

  it('reads the tags vite writes', () => {
    const vite = '<script type="module" crossorigin src="./assets/index-CePEaxdW.js"></script>\n<link rel="stylesheet" crossorigin href="./assets/index-BxXevW0J.css">';
    expect(initialScripts(vite)).toEqual(['./assets/index-CePEaxdW.js']);
  });
});

describe('measureInitialJs', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gzips (level 9) what index.html loads up front, and totals every .js of the build', () => {
    dir = mkdtempSync(join(tmpdir(), 'uvmscope-initial-js-'));
    mkdirSync(join(dir, 'assets'));
    const entry = 'const x = 1;\n'.repeat(2000);
    const vendor = 'export function f(a){return a*2}\n'.repeat(500);
    const lazy = 'export const lazy = 42;\n';
    const worker = 'self.onmessage = () => {};\n'.repeat(100);
    writeFileSync(join(dir, 'index.html'), HTML);
    writeFileSync(join(dir, 'assets/index-A.js'), entry);
    writeFileSync(join(dir, 'assets/vendor-B.js'), vendor);
    writeFileSync(join(dir, 'assets/lazy-D.js'), lazy);
    writeFileSync(join(dir, 'assets/worker-E.js'), worker);
    writeFileSync(join(dir, 'assets/index-C.css'), 'body{}');
    const gz = (s: string) => gzipSync(Buffer.from(s), { level: 9 }).length;
    const r = measureInitialJs(dir);
    expect(r.gzipLevel).toBe(9);
    expect(r.initial.map((f) => f.file)).toEqual(['assets/index-A.js', 'assets/vendor-B.js']);
    expect(r.initialBytes).toBe(entry.length + vendor.length);
    expect(r.initialGzipBytes).toBe(gz(entry) + gz(vendor));
    expect(r.initialGzipBytes).toBeLessThan(r.initialBytes / 10);
    expect(r.all.map((f) => f.file)).toEqual(['assets/index-A.js', 'assets/lazy-D.js', 'assets/vendor-B.js', 'assets/worker-E.js']);
    expect(r.totalBytes).toBe(entry.length + vendor.length + lazy.length + worker.length);
    expect(r.totalGzipBytes).toBe(gz(entry) + gz(vendor) + gz(lazy) + gz(worker));
  });

  it('counts what the entry loads at once with import() (the app, as boot.ts loads it) and its static imports, not what those load later', () => {
    dir = mkdtempSync(join(tmpdir(), 'uvmscope-initial-js-'));
    mkdirSync(join(dir, 'assets'));
    const files: Record<string, string> = {
      'assets/boot-A.js': 'import{s as e}from"./store-B.js";e();import(`./main-C.js`);\n',
      'assets/store-B.js': 'export const s = () => 1;\n',
      'assets/main-C.js': 'import"./react-D.js";import{x}from"../assets/ui-E.js";const p=()=>import("./palette-F.js");\n',
      'assets/react-D.js': 'export const r = 1;\n',
      'assets/ui-E.js': 'export const x = 1;\n',
      'assets/palette-F.js': 'import"./ui-E.js";export const pal = 1;\n',
    };
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="./assets/boot-A.js"></script>');
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    const r = measureInitialJs(dir);
    expect(r.initial.map((f) => f.file)).toEqual(['assets/boot-A.js', 'assets/main-C.js', 'assets/store-B.js', 'assets/react-D.js', 'assets/ui-E.js']);
    expect(chunkImports(files['assets/main-C.js'])).toEqual({ static: ['./react-D.js', '../assets/ui-E.js'], dynamic: ['./palette-F.js'] });
  });

  it('refuses a script from outside the build', () => {
    dir = mkdtempSync(join(tmpdir(), 'uvmscope-initial-js-'));
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="https://cdn.example/x.js"></script>');
    expect(() => measureInitialJs(dir)).toThrow(/elsewhere/);
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="../../etc/x.js"></script>');
    expect(() => measureInitialJs(dir)).toThrow(/outside/);
  });
});

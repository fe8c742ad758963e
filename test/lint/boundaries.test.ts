import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfigFile: fileURLToPath(new URL('../../eslint.config.js', import.meta.url)),
});

/** The boundary messages ESLint reports for `code` as if it were the file at `filePath`. */
async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}${filePath}` });
  return result.messages
    .filter((message) => message.ruleId === 'uvmscope/boundaries' || message.fatal)
    .map((message) => message.message);
}

describe('layer boundaries (renderer → protocol ← hosts → engine)', () => {
  it.each([
    ['a renderer file importing the engine', 'src/renderer/app.ts', "import { x } from '../engine/x';\nexport const y = x;\n"],
    ['a renderer file importing the engine only for a type', 'src/renderer/panels/a.ts', "import type { X } from '../../engine/x';\nexport type Y = X;\n"],
    ['a renderer file importing electron', 'src/renderer/app.ts', "import { ipcRenderer } from 'electron';\nexport const y = ipcRenderer;\n"],
    ['a renderer file importing main', 'src/renderer/app.ts', "import { x } from '../main/x';\nexport const y = x;\n"],
    ['an engine file importing node:fs', 'src/engine/core/store.ts', "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n"],
    ['an engine file importing fs without the node: prefix', 'src/engine/core/store.ts', "import fs from 'fs';\nexport const y = fs;\n"],
    ['an engine file importing d3', 'src/engine/core/store.ts', "import { scaleLinear } from 'd3';\nexport const y = scaleLinear;\n"],
    ['an engine file importing the protocol', 'src/engine/run/run.ts', "import type { StateView } from '../../protocol';\nexport type Y = StateView;\n"],
    ['an engine file importing a test helper', 'src/engine/run/run.ts', "import { h } from '../../../test/helpers';\nexport const y = h;\n"],
    ['an engine file loading a module dynamically', 'src/engine/run/run.ts', "export const y = import('node:path');\n"],
    ['a protocol file importing the engine', 'src/protocol/index.ts', "import { x } from '../engine/x';\nexport const y = x;\n"],
    ['a protocol file re-exporting the renderer', 'src/protocol/index.ts', "export * from '../renderer/x';\n"],
    ['a main file importing the engine', 'src/main/index.ts', "import { x } from '../engine/x';\nexport const y = x;\n"],
    ['a main file importing a host', 'src/main/index.ts', "import { x } from '../hosts/utility';\nexport const y = x;\n"],
    ['a preload file importing node:fs', 'src/preload/index.ts', "import fs from 'node:fs';\nexport const y = fs;\n"],
    ['a cli file importing the renderer', 'src/cli/main.ts', "import { x } from '../renderer/x';\nexport const y = x;\n"],
  ])('reports %s', async (_name, filePath, code) => {
    const messages = await boundaryMessages(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/may not import/);
  });

  it.each([
    ['a renderer file importing the protocol', 'src/renderer/app.ts', "import type { EngineRequest } from '../protocol';\nexport type Y = EngineRequest;\n"],
    ['a renderer file importing its own engine-host subfolder', 'src/renderer/app.ts', "import { x } from './engine/adapter';\nexport const y = x;\n"],
    ['a renderer file importing a package', 'src/renderer/app.ts', "import { scaleLinear } from 'd3';\nexport const y = scaleLinear;\n"],
    ['an engine file importing the engine', 'src/engine/uvm/va-block.ts', "import { x } from '../core/store';\nexport const y = x;\n"],
    ['an engine file importing yaml and zod', 'src/engine/scenario/parse.ts', "import { parseDocument } from 'yaml';\nimport { z } from 'zod';\nexport const y = [parseDocument, z];\n"],
    ['a protocol file importing itself', 'src/protocol/index.ts', "export type { UvmscopeBridge } from './bridge';\n"],
    ['a host importing the engine and the protocol', 'src/hosts/worker.ts', "import { x } from '../engine/x';\nimport type { EngineRequest } from '../protocol';\nexport const y = x;\nexport type Y = EngineRequest;\n"],
    ['a main file importing electron, node:path and the protocol', 'src/main/index.ts', "import { app } from 'electron';\nimport path from 'node:path';\nimport type { EngineRequest } from '../protocol';\nexport const y = [app, path];\nexport type Y = EngineRequest;\n"],
    ['a preload file importing electron and the protocol', 'src/preload/index.ts', "import { contextBridge } from 'electron';\nimport type { UvmscopeBridge } from '../protocol';\nexport const y = contextBridge;\nexport type Y = UvmscopeBridge;\n"],
    ['a cli file importing the engine and node:fs', 'src/cli/main.ts', "import { x } from '../engine/x';\nimport fs from 'node:fs';\nexport const y = [x, fs];\n"],
    ['a test importing anything', 'test/engine/store.test.ts', "import { x } from '../../src/engine/x';\nimport fs from 'node:fs';\nexport const y = [x, fs];\n"],
  ])('allows %s', async (_name, filePath, code) => {
    expect(await boundaryMessages(filePath, code)).toEqual([]);
  });

  it('names the rule and the fix in its message', async () => {
    const [message] = await boundaryMessages('src/renderer/app.ts', "import { x } from '../engine/x';\nexport const y = x;\n");
    expect(message).toBe(
      "src/renderer may not import src/engine ('../engine/x'): it may import src/renderer, src/protocol — " +
        'the renderer holds a view and talks to the engine only through src/protocol.',
    );
  });
});

describe('engine determinism', () => {
  it('reports Math.random and Date.now in the engine', async () => {
    const [result] = await eslint.lintText('export const a = Math.random();\nexport const b = Date.now();\n', {
      filePath: `${repoRoot}src/engine/core/clock.ts`,
    });
    expect(result.messages.map((message) => message.ruleId)).toEqual([
      'no-restricted-properties',
      'no-restricted-properties',
    ]);
  });
});

/**
 * ESLint rule `uvmscope/boundaries`: which src folder may import which.
 *
 *     renderer ──► protocol ◄── hosts ──► engine ◄── cli
 *     main, preload ──► protocol
 *
 * `no-restricted-imports` matches specifier text, so it cannot tell `../engine/x` written
 * in src/renderer (forbidden) from `./engine/x` in a renderer subfolder of that name; this
 * rule resolves relative specifiers against the importing file and checks the folder they
 * land in. Bare specifiers are checked against the layer's packages and Node built-ins.
 *
 * Checked: `import … from`, `import type`, `export … from`, `import()`, `require()` and
 * `typeof import('…')` types with a literal specifier. Files outside src/ (tests, scripts, bench, configs) are not checked.
 */
import { builtinModules } from 'node:module';
import { userStringsRule } from './user-strings.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever directory ESLint was started from. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * @typedef {object} LayerPolicy
 * @property {readonly string[]} layers  src folders this layer may import (itself included)
 * @property {readonly string[] | '*'} packages  npm packages it may import ('*' = any)
 * @property {readonly string[]} forbiddenPackages  packages it may never import, even under '*'
 * @property {readonly string[] | '*'} builtins  Node built-ins it may import ('*' = any)
 * @property {string} why  the reason, shown in every message
 */

/** @type {Record<string, LayerPolicy>} */
export const policies = {
  engine: {
    layers: ['engine'],
    packages: ['yaml', 'zod'],
    forbiddenPackages: [],
    builtins: [],
    why: 'the engine is pure TypeScript that runs in Node, a Worker and a utilityProcess alike',
  },
  protocol: {
    layers: ['protocol'],
    packages: ['zod'],
    forbiddenPackages: [],
    builtins: [],
    why: 'the protocol is the one contract both sides share and depends on neither',
  },
  renderer: {
    layers: ['renderer', 'protocol'],
    packages: '*',
    forbiddenPackages: ['electron'],
    builtins: [],
    why: 'the renderer holds a view and talks to the engine only through src/protocol',
  },
  hosts: {
    layers: ['hosts', 'protocol', 'engine'],
    packages: '*',
    forbiddenPackages: [],
    builtins: '*',
    why: 'a host runs the engine and speaks the protocol',
  },
  main: {
    layers: ['main', 'protocol'],
    packages: '*',
    forbiddenPackages: [],
    builtins: '*',
    why: 'main starts the engine host by its built file path and never loads the engine itself',
  },
  preload: {
    layers: ['preload', 'protocol'],
    packages: '*',
    forbiddenPackages: [],
    // What a sandboxed preload's `require` offers besides `electron`.
    builtins: ['events', 'timers', 'url'],
    why: 'the preload runs sandboxed and exposes only the typed bridge of src/protocol',
  },
  cli: {
    layers: ['cli', 'engine'],
    packages: '*',
    forbiddenPackages: ['electron'],
    builtins: '*',
    why: 'the CLI runs the engine headless in Node',
  },
};

const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/**
 * The package an import names: `@scope/pkg/sub` → `@scope/pkg`, `d3-scale/x` → `d3-scale`.
 * @param {string} specifier
 */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * The src layer a path inside the repository falls in, or undefined outside src/.
 * @param {string} relativePath  a path relative to the repository root, '/'-separated
 */
export function layerOf(relativePath) {
  const match = /^src\/([^/]+)\//.exec(relativePath);
  return match ? match[1] : undefined;
}

/**
 * Why `specifier`, imported from the file at `fromPath`, breaks the boundaries, or
 * undefined when it is allowed. Pure: used by the rule and readable on its own.
 * @param {string} fromPath  the importing file, relative to the repository root
 * @param {string} specifier  the import's specifier as written
 * @returns {string | undefined}
 */
export function boundaryViolation(fromPath, specifier) {
  const from = layerOf(fromPath);
  if (from === undefined) return undefined;
  const policy = policies[from];
  if (policy === undefined) {
    return `src/${from} is not a known layer: add it to scripts/lint/boundaries.js and docs/architecture.md`;
  }
  const allowed = policy.layers.map((layer) => `src/${layer}`).join(', ');

  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = path.posix.normalize(
      specifier.startsWith('/') ? specifier.slice(1) : path.posix.join(path.posix.dirname(fromPath), specifier),
    );
    if (target.startsWith('src/')) {
      const to = layerOf(`${target}/`) ?? 'src';
      if (policy.layers.includes(to)) return undefined;
      return `src/${from} may not import src/${to} ('${specifier}'): it may import ${allowed} — ${policy.why}.`;
    }
    return `src/${from} may not import files outside src ('${specifier}'): it may import ${allowed} — ${policy.why}.`;
  }

  const bare = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  if (specifier.startsWith('node:') || builtins.has(packageName(bare))) {
    const name = packageName(bare);
    if (policy.builtins === '*' || policy.builtins.includes(name)) return undefined;
    return `src/${from} may not import the Node built-in '${specifier}' — ${policy.why}.`;
  }

  const name = packageName(specifier);
  if (policy.forbiddenPackages.includes(name)) {
    return `src/${from} may not import '${name}' — ${policy.why}.`;
  }
  if (policy.packages === '*' || policy.packages.includes(name)) return undefined;
  const packages = policy.packages.length > 0 ? policy.packages.join(', ') : 'no packages';
  return `src/${from} may not import the package '${name}': it may use ${packages} — ${policy.why}.`;
}

/** @type {import('eslint').Rule.RuleModule} */
const boundariesRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep src folders to their allowed imports (docs/architecture.md)' },
    schema: [],
    messages: { violation: '{{reason}}' },
  },
  create(context) {
    const relative = path.relative(repoRoot, context.filename).split(path.sep).join('/');
    if (layerOf(relative) === undefined) return {};

    /** @param {import('estree').Node | null | undefined} source */
    function check(source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const reason = boundaryViolation(relative, source.value);
      if (reason !== undefined) context.report({ node: source, messageId: 'violation', data: { reason } });
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      /** `typeof import('../engine/x')` in a type: a dependency all the same. */
      'TSImportType'(/** @type {any} */ node) {
        const argument = node.argument;
        if (argument && argument.type === 'TSLiteralType') check(argument.literal);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
          const argument = node.arguments[0];
          if (argument.type !== 'SpreadElement') check(argument);
        }
      },
    };
  },
};

export default {
  meta: { name: 'uvmscope' },
  rules: { boundaries: boundariesRule, 'user-strings': userStringsRule },
};

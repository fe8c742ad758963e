/**
 * Every translation of the UI catalogue has exactly the English namespaces and keys (plural keys by the language's
 * own plural categories, as i18next resolves them), keeps every {{placeholder}}, and leaves no string identical to
 * English unless it is made only of untranslatable tokens (identifiers, units, key names).
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/renderer/i18n/en/index';
import { zhCN } from '../../src/renderer/i18n/zh-CN/index';

type Tree = { readonly [key: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Words that stay in Latin script in every language: identifiers of the model, units, formats, product names. */
const UNTRANSLATED = new Set([
  'UVMScope', 'GAIA', 'HMM', 'gdrcopy', 'PMM', 'PMA', 'PTE', 'PDE4', 'PDE3', 'PDE2', 'PDE1', 'PDE0', 'PT', 'DIRTY',
  'CPU_DIRTY', 'ON_GPU', 'GPU', 'CPU', 'VA', 'va_block', 'block', 'b', '4K', '64K', '2M', 'untitled.yaml', 'evictChunk',
  'copy', 'if', 'bytes', '64KiB', 'line', 'evict_root_chunk', 'watch', 'PCIe', 'gen', 'x', 'NVLink-C2C', 'Chrome',
  'trace-event', 'JSON', 'mm', 'Linux', 'vidmem', 'sysmem', 'KiB', 'MiB',
]);

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).sort();

/** The keys a language needs for an English key: a plural key's `_one`/`_other` become the language's categories. */
function expectedKeys(enKeys: Iterable<string>, language: string): Set<string> {
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
  const out = new Set<string>();
  for (const key of enKeys) {
    const m = PLURAL.exec(key);
    if (!m) out.add(key);
    // `_zero` is i18next's special form for a count of 0 in every language: kept where English has it
    else if (m[1] === 'zero') out.add(key);
    else for (const c of categories) out.add(key.slice(0, m.index) + '_' + c);
  }
  return out;
}

const TRANSLATIONS: Record<string, Tree> = { 'zh-CN': zhCN as unknown as Tree };

describe.each(Object.entries(TRANSLATIONS))('the %s catalogue', (language, catalogue) => {
  const source = en as unknown as Tree;

  it('has every English namespace and no other', () => {
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(source).sort());
  });

  it.each(Object.keys(source))('namespace %s has exactly the keys the language needs', (ns) => {
    const want = expectedKeys(flatten(source[ns] as Tree).keys(), language);
    const have = new Set(flatten((catalogue[ns] ?? {}) as Tree).keys());
    expect({ missing: [...want].filter((k) => !have.has(k)), extra: [...have].filter((k) => !want.has(k)) }).toEqual({ missing: [], extra: [] });
  });

  it('keeps every placeholder of the English string', () => {
    const wrong: string[] = [];
    for (const ns of Object.keys(source)) {
      const english = flatten(source[ns] as Tree);
      for (const [key, text] of flatten((catalogue[ns] ?? {}) as Tree)) {
        const base = key.replace(PLURAL, '');
        const counterpart = english.get(key) ?? english.get(`${base}_other`) ?? '';
        const want = placeholders(counterpart).filter((p) => p !== 'count');
        const got = placeholders(text).filter((p) => p !== 'count');
        if (want.join() !== got.join()) wrong.push(`${ns}:${key} has {{${got.join('}}, {{')}}} for {{${want.join('}}, {{')}}}`);
        // a plural form must show its count (English's _one may spell it: "one", "1")
        if (PLURAL.test(key) && !key.endsWith('_zero') && placeholders(english.get(`${base}_other`) ?? '').includes('count') && !placeholders(text).includes('count'))
          wrong.push(`${ns}:${key} lost {{count}}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('translates every string that is not made only of untranslatable tokens', () => {
    const same: string[] = [];
    for (const ns of Object.keys(source)) {
      const english = flatten(source[ns] as Tree);
      for (const [key, text] of flatten((catalogue[ns] ?? {}) as Tree)) {
        if (english.get(key) !== text) continue;
        const words = text.replace(/\{\{\s*\w+\s*\}\}/g, ' ').match(/[\w.-]*[A-Za-z][\w.-]*/g) ?? [];
        const foreign = words.filter((w) => !UNTRANSLATED.has(w));
        if (foreign.length > 0) same.push(`${ns}:${key} = ${JSON.stringify(text)} (${foreign.join(', ')})`);
      }
    }
    expect(same).toEqual([]);
  });
});

describe('i18next plural rules', () => {
  it('Chinese has only the `other` category, so its catalogue has no `_one` forms', () => {
    expect(new Intl.PluralRules('zh-CN').resolvedOptions().pluralCategories).toEqual(['other']);
  });
});

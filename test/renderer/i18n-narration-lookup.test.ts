/// <reference types="vite/client" />
/**
 * The narration panel's lookup as the app bundles it (import.meta.glob of assets/scenarios/i18n): a whole note, a note
 * the op list cut short with "…", a scenario's name and description, a tour stop; English and unknown text untouched.
 */
import { beforeAll, expect, it } from 'vitest';
import { loadNarration, translateNote, translateScenarioText, translateTourStop, translateTourTitle } from '../../src/renderer/i18n/narration';

beforeAll(() => loadNarration('zh-CN'));

it('answers the text as written until a language is loaded', async () => {
  // a second instance of the module (vite keys modules by their query), with nothing loaded yet
  const fresh = (await import(/* @vite-ignore */ `${'../../src/renderer/i18n/narration'}?fresh`)) as typeof import('../../src/renderer/i18n/narration');
  expect(fresh.translateTourTitle('maquire: how GAIA drops the GPU copies the CPU made stale', 'zh-CN')).toBe('maquire: how GAIA drops the GPU copies the CPU made stale');
  await fresh.loadNarration('zh-CN');
  expect(fresh.translateTourTitle('maquire: how GAIA drops the GPU copies the CPU made stale', 'zh-CN')).toMatch(/^maquire：GAIA/);
});

it('translates a built-in note, whole or cut short, and leaves others alone', () => {
  const cut = translateNote('Second pass, same order. Block 0 is in CPU memory now, so it faults and needs a chunk,…', 'zh-CN');
  expect(cut).toMatch(/^第二遍，顺序相同。/);
  expect(cut.endsWith('…')).toBe(true);
  expect(translateNote('Watch the DtoH copy sizes. Each CPU fault is one 4 KiB page plus the prefetcher\u2019s', 'zh-CN')).toBe(
    'Watch the DtoH copy sizes. Each CPU fault is one 4 KiB page plus the prefetcher\u2019s',
  );
  expect(translateNote('A note of my own…', 'zh-CN')).toBe('A note of my own…');
  expect(translateNote('Second pass, same order.…', 'en')).toBe('Second pass, same order.…');
});

it('translates a built-in scenario name and description only while the English is the shipped one', () => {
  expect(translateScenarioText('oversubscription.yaml', 'name', 'Oversubscription: a 48 MiB buffer on a 32 MiB GPU', 'zh-CN')).toBe('超额使用：32 MiB 的 GPU 上的 48 MiB 缓冲区');
  expect(translateScenarioText('oversubscription.yaml', 'name', 'My own name', 'zh-CN')).toBe('My own name');
  expect(translateScenarioText(undefined, 'name', 'Oversubscription: a 48 MiB buffer on a 32 MiB GPU', 'zh-CN')).toBe('Oversubscription: a 48 MiB buffer on a 32 MiB GPU');
  const description = translateScenarioText('oversubscription.yaml', 'description', "When a GPU's memory is full, the driver makes room", 'zh-CN');
  expect(description).toMatch(/^GPU 显存满了时，驱动会把一整个 2 MiB root chunk 驱逐回系统内存来腾出空间/);
  // folded YAML lines are joined without a space between Chinese characters
  expect(description).not.toMatch(/[\u4e00-\u9fff，。] [\u4e00-\u9fff，。]/);
});

it('translates the example tours by their English titles', () => {
  expect(translateTourTitle('maquire: how GAIA drops the GPU copies the CPU made stale', 'zh-CN')).toMatch(/^maquire：GAIA/);
  expect(translateTourStop('maquire: how GAIA drops the GPU copies the CPU made stale', 0, { title: 'The GPU has read the file', narration: 'x' }, 'zh-CN').title).toBe('GPU 已读取文件');
  expect(translateTourStop('maquire: how GAIA drops the GPU copies the CPU made stale', 0, { title: 'Changed', narration: 'x' }, 'zh-CN')).toEqual({ title: 'Changed', narration: 'x' });
});

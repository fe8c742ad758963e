/**
 * The PMM: a GPU's physical memory as its 2 MiB root chunks (uvm_pmm_gpu.c). Each square is one root chunk,
 * coloured by what the driver does with it — free, a user chunk on the UNUSED, DISCARDED or USED eviction list,
 * pinned while it is evicted, a kernel chunk holding page tables — and filled by how much of its va_block is
 * resident. The chunks the cursor's step changed (an allocation, an eviction) are ringed and animated. Hover for
 * the chunk's details, click to inspect it.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PmmChunkInfo, PmmResult, RunInfo } from '../../../protocol';
import { useDebugger } from '../../state/store';
import { useView } from '../../state/use-view';
import { formatBytes, formatVa } from '../memory-map/format';
import { STATE_COLOURS } from '../../theme/palette';
import { tint } from '../memory-map/lanes';
import { chunkColour, PMM_COLOURS, PmmRenderer, type PmmLabels } from './draw';
import './pmm.css';
import { useResize } from '../../state/use-resize';
import { registerExportable } from '../../export/registry';

const ROOT_CHUNK = 2 * 1024 * 1024;
/** A GPU with at most this many root chunks shows all of them; a bigger one shows the ones taken from PMA. */
const SHOW_ALL = 2048;
const BATCH = 64;

/** Which GPU a memory panel shows: a select when there are several. */
export function GpuPicker({ run, gpu, onChange, label }: { run: RunInfo; gpu: number; onChange(g: number): void; label: string }) {
  const gpus = run.processors.filter((p) => p.id > 0);
  if (gpus.length <= 1) return <span className="gpu-name">{gpus[0]?.name}</span>;
  return (
    <select aria-label={label} value={gpu} onChange={(e) => onChange(Number(e.target.value))}>
      {gpus.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </select>
  );
}

/** The va_block `block` as region name and offset, from the run's regions. */
export function blockPlace(run: RunInfo, block: number): { region: string; offset: number } | null {
  for (const r of run.regions) {
    if (r.firstBlock >= 0 && block >= r.firstBlock && block < r.firstBlock + r.blocks) return { region: r.name, offset: (block - r.firstBlock) * ROOT_CHUNK };
  }
  return null;
}

export function PmmPanel() {
  const { t } = useTranslation('pmm');
  const run = useDebugger((s) => s.run);
  const selection = useDebugger((s) => s.selection);
  const select = useDebugger((s) => s.select);
  const hasGpu = !!run && run.processors.length > 1;
  const [gpu, setGpu] = useState(1);
  const gpuOk = hasGpu && gpu < run.processors.length ? gpu : 1;
  const query = useMemo(() => (hasGpu ? { view: 'pmm' as const, gpu: gpuOk } : null), [hasGpu, gpuOk]);
  const { data, step, error } = useView(query);
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<PmmRenderer | null>(null);
  const previous = useRef<{ data: PmmResult; step: number | null } | null>(null);
  const [hover, setHover] = useState<{ chunk: number; x: number; y: number } | null>(null);

  const labels = useMemo(
    (): PmmLabels => ({
      cell: (c) => (c.type === 'kernel' ? t('cell.kernel') : c.owner >= 0 ? t('cell.block', { block: c.owner }) : ''),
    }),
    [t],
  );

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const r = new PmmRenderer(el, labels);
    renderer.current = r;
    return () => {
      r.destroy();
      renderer.current = null;
    };
    // made once per canvas; labels follow below
  }, [hasGpu]);

  useEffect(() => {
    renderer.current?.setLabels(labels);
  }, [labels]);

  // File → Export: the canvas as shown (PNG, frames) and the same picture as vectors (SVG)
  useEffect(() => {
    return registerExportable('pmm', {
      canvas: () => canvas.current,
      size: () => renderer.current?.cssSize ?? { width: 0, height: 0 },
      drawVector: (ctx) => renderer.current?.drawVector(ctx),
      shownStep: () => (canvas.current?.dataset.step ? Number(canvas.current.dataset.step) : null),
      busy: () => renderer.current?.animating ?? false,
    });
  }, []);

  useResize(wrap, (el) => renderer.current?.setSize(el.clientWidth, el.clientHeight, window.devicePixelRatio || 1), [hasGpu]);

  const shown = data ? (data.rootChunks <= SHOW_ALL ? data.rootChunks : Math.min(data.rootChunks, Math.max(BATCH, Math.ceil(data.fromPma / BATCH) * BATCH))) : 0;

  useEffect(() => {
    const r = renderer.current;
    if (!r || !data) return;
    const prev = previous.current;
    const animate = !!prev && prev.data.gpu === data.gpu && prev.step !== step;
    r.setData(data, shown, animate, prev && prev.data.gpu === data.gpu ? prev.data : null);
    previous.current = { data, step };
    if (canvas.current) canvas.current.dataset.step = String(step);
  }, [data, shown, step]);

  useEffect(() => {
    renderer.current?.setSelection(selection);
  }, [selection, data]);

  if (!run) return <div className="panel-empty">{t('empty')}</div>;
  if (!hasGpu) return <div className="panel-empty">{t('noGpu')}</div>;
  const gpuName = run.processors[gpuOk]?.name ?? '';
  const lists = data?.lists;
  const kernel = data ? data.chunks.filter((c) => c.type === 'kernel' && c.state !== 'pma_owned' && c.state !== 'free').length : 0;

  const onMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const c = renderer.current?.chunkAt(e.clientX - rect.left, e.clientY - rect.top) ?? -1;
    renderer.current?.setHover(c);
    setHover(c >= 0 ? { chunk: c, x: e.clientX, y: e.clientY } : null);
  };

  return (
    <div className="panel pmm-panel">
      <div className="pmm-bar">
        <GpuPicker run={run} gpu={gpuOk} onChange={setGpu} label={t('gpu')} />
        {data && (
          <span data-testid="pmm-taken">
            {t('taken', { taken: data.fromPma, total: data.rootChunks, bytes: formatBytes(data.rootChunks * ROOT_CHUNK) })}
            {shown < data.rootChunks ? ` ${t('rest', { count: data.rootChunks - shown })}` : ''}
          </span>
        )}
        {data && (
          <span className={`pmm-changed${data.changed.length ? ' some' : ''}`} data-testid="pmm-changed">
            {data.changed.length ? t('changed', { count: data.changed.length }) : t('unchanged')}
          </span>
        )}
      </div>
      {lists && (
        <div className="pmm-lists" title={t('lists')}>
          {(['free', 'unused', 'discarded', 'used'] as const).map((l) => (
            <span key={l} className="pmm-list" data-list={l} data-count={lists[l].length}>
              <span className="pmm-swatch" style={{ background: l === 'free' ? PMM_COLOURS.free : PMM_COLOURS[l] }} />
              {t(`list.${l}`)} <b>{lists[l].length}</b>
            </span>
          ))}
          <span className="pmm-list" data-list="kernel" data-count={kernel}>
            <span className="pmm-swatch" style={{ background: PMM_COLOURS.kernel }} />
            {t('legend.kernel')} <b>{kernel}</b>
          </span>
        </div>
      )}
      <div className="pmm-canvas-wrap" ref={wrap}>
        <canvas
          ref={canvas}
          className="pmm-canvas"
          data-testid="pmm-canvas"
          role="img"
          aria-label={t('canvasLabel', { gpu: gpuName })}
          onPointerMove={onMove}
          onPointerLeave={() => {
            renderer.current?.setHover(-1);
            setHover(null);
          }}
          onClick={(e) => {
            const rect = e.currentTarget.getBoundingClientRect();
            const c = renderer.current?.chunkAt(e.clientX - rect.left, e.clientY - rect.top) ?? -1;
            if (c >= 0) select({ kind: 'chunk', gpu: gpuOk, chunk: c });
          }}
        />
        {error && <div className="pmm-note pmm-error">{t('error', { message: error })}</div>}
        {!data && !error && <div className="pmm-note">{t('loading')}</div>}
      </div>
      <Legend />
      {hover && data && <ChunkTip run={run} data={data} chunk={hover.chunk} x={hover.x} y={hover.y} gpuName={gpuName} />}
    </div>
  );
}

function Legend() {
  const { t } = useTranslation('pmm');
  const item = (colour: string, label: string, extra = '') => (
    <span className="pmm-legend-item" key={label}>
      <span className={`pmm-swatch ${extra}`} style={{ background: colour }} />
      {label}
    </span>
  );
  return (
    <div className="pmm-legend">
      {item(PMM_COLOURS.free, t('legend.free'))}
      {item(PMM_COLOURS.used, t('legend.used'))}
      {item(PMM_COLOURS.unused, t('legend.unused'))}
      {item(PMM_COLOURS.discarded, t('legend.discarded'))}
      {item(PMM_COLOURS.pinned, t('legend.pinned'))}
      {item(PMM_COLOURS.kernel, t('legend.kernel'))}
      <span className="pmm-legend-item">
        <span className="pmm-swatch" style={{ background: `linear-gradient(to top, ${PMM_COLOURS.used} 40%, ${tint(PMM_COLOURS.used, 0.35)} 40%)` }} />
        {t('legend.fill')}
      </span>
      <span className="pmm-legend-item">
        <span className="pmm-swatch pmm-swatch-split" />
        {t('legend.split')}
      </span>
      <span className="pmm-legend-item">
        <span className="pmm-swatch pmm-swatch-ring" style={{ borderColor: STATE_COLOURS.changed }} />
        {t('legend.changed')}
      </span>
      <span className="pmm-legend-item">
        <span className="pmm-swatch pmm-swatch-ring pmm-swatch-selected" />
        {t('legend.selected')}
      </span>
    </div>
  );
}

function ChunkTip({ run, data, chunk, x, y, gpuName }: { run: RunInfo; data: PmmResult; chunk: number; x: number; y: number; gpuName: string }) {
  const { t } = useTranslation('pmm');
  const c: PmmChunkInfo | undefined = data.chunks[chunk];
  const state = c?.state ?? 'pma_owned';
  const lines: string[] = [t('tip.address', { from: formatVa(chunk * ROOT_CHUNK), to: formatVa((chunk + 1) * ROOT_CHUNK - 1) })];
  lines.push(t('tip.state', { state: t(`state.${state}`, { defaultValue: state }), type: c?.type === 'kernel' ? t('tip.kernel') : t('tip.user') }));
  if (c && c.type === 'user' && state !== 'free' && state !== 'pma_owned') {
    const place = c.owner >= 0 ? blockPlace(run, c.owner) : null;
    lines.push(c.owner >= 0 ? t('tip.owner', { block: c.owner, region: place?.region ?? '?', offset: formatBytes(place?.offset ?? 0) }) : t('tip.noOwner'));
    if (c.owner >= 0) lines.push(t('tip.resident', { count: c.resident }));
    if (c.pieces) lines.push(t('tip.pieces', { count: popcount(c.pieces) }));
  }
  if (c && c.type === 'kernel') lines.push(t('tip.kernelPieces', { count: c.kernelPieces }));
  if (c && c.list !== 'none') {
    const list = data.lists[c.list as keyof PmmResult['lists']] ?? [];
    lines.push(t('tip.listPos', { list: t(`list.${c.list}`), pos: list.indexOf(chunk) + 1, len: list.length }));
  } else if (c && state !== 'pma_owned') lines.push(t('tip.listNone'));
  const left = x + 14 + 320 > window.innerWidth ? x - 330 : x + 14;
  return (
    <div className="pmm-tip" style={{ left, top: y + 14 }} role="tooltip" data-testid="pmm-tip">
      <div className="pmm-tip-title">
        <span className="pmm-swatch" style={{ background: chunkColour(c) }} /> {t('tip.title', { chunk, gpu: gpuName })}
      </div>
      {lines.map((l, k) => (
        <div key={k}>{l}</div>
      ))}
      {c?.change && <div className="pmm-tip-changed">{t(`change.${c.change}`)}</div>}
    </div>
  );
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

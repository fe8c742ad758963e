/**
 * Steps as a video, for slides: each frame is the view at one step with a caption band under it (the step and the
 * simulated time), held for a chosen time. Encoded with the platform's WebCodecs through mediabunny (which muxes the
 * encoded frames into a file): MP4 with H.264 where the platform encodes it (what PowerPoint and Keynote play), else
 * WebM with VP9 or VP8. The frames' timestamps are set, not recorded, so the export takes as long as encoding does,
 * not as long as the video lasts. WebCodecs needs a secure context (Electron's app, localhost, https); where there is
 * none, or no encoder, `videoFormat` says so and the dialog offers the HTML frames instead.
 */
import type { VideoCodec } from 'mediabunny';

export interface VideoFormat {
  readonly codec: VideoCodec;
  readonly container: 'mp4' | 'webm';
  readonly mime: string;
  readonly extension: 'mp4' | 'webm';
}

/** The caption band's height and text size in CSS pixels (scaled by the frame's device pixel ratio). */
const BAND = 30;
const FONT = 15;
/** H.264 and VP9 encoders want even sizes; the largest side is kept within what common encoders take. */
const MAX_SIDE = 3840;

const FORMATS: readonly VideoFormat[] = [
  { codec: 'avc', container: 'mp4', mime: 'video/mp4', extension: 'mp4' },
  { codec: 'vp9', container: 'webm', mime: 'video/webm', extension: 'webm' },
  { codec: 'vp8', container: 'webm', mime: 'video/webm', extension: 'webm' },
];

/** The frame size for a view of `width × height` device pixels at `dpr`: even, within MAX_SIDE, with the caption band. */
export function frameSize(width: number, height: number, dpr: number): { width: number; height: number; scale: number } {
  const band = Math.round(BAND * dpr);
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height + band));
  const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
  return { width: even(width * scale), height: even((height + band) * scale), scale };
}

/** The first format this platform can encode at that size, or null (no WebCodecs, or no encoder for any). */
export async function videoFormat(width: number, height: number): Promise<VideoFormat | null> {
  if (typeof globalThis.VideoEncoder === 'undefined') return null;
  const { getFirstEncodableVideoCodec } = await import('mediabunny');
  const codec = await getFirstEncodableVideoCodec(
    FORMATS.map((f) => f.codec),
    { width, height },
  );
  return FORMATS.find((f) => f.codec === codec) ?? null;
}

export interface VideoFrameInput {
  /** The view's canvas as shown (device pixels). */
  readonly canvas: HTMLCanvasElement;
  readonly caption: string;
}

/** Writes frames into a video file in memory: `add` each frame in order, then `finish` for the file's bytes. */
export interface VideoWriter {
  add(frame: VideoFrameInput): Promise<void>;
  finish(): Promise<Uint8Array>;
  /** Stop without a file (an error while walking the steps). */
  cancel(): Promise<void>;
}

/**
 * A writer of frames `width × height` device pixels (the first frame's view size) at `dpr`, each held `holdSeconds`.
 * A later frame of another size is drawn scaled into the same frame.
 */
export async function videoWriter(format: VideoFormat, view: { width: number; height: number }, dpr: number, holdSeconds: number): Promise<VideoWriter> {
  const { Output, Mp4OutputFormat, WebMOutputFormat, BufferTarget, CanvasSource, QUALITY_HIGH } = await import('mediabunny');
  const size = frameSize(view.width, view.height, dpr);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas to draw the frames on');
  const target = new BufferTarget();
  const output = new Output({ format: format.container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(), target });
  // every frame a key frame: a presenter may jump to any step of the clip
  const source = new CanvasSource(canvas, { codec: format.codec, bitrate: QUALITY_HIGH, keyFrameInterval: 0 });
  output.addVideoTrack(source, { frameRate: 1 / holdSeconds });
  await output.start();
  const band = Math.round(BAND * dpr * size.scale);
  const style = getComputedStyle(document.documentElement);
  const background = style.getPropertyValue('--bg').trim() || '#15171c';
  const foreground = style.getPropertyValue('--fg').trim() || '#e6e8eb';
  let frames = 0;
  return {
    async add(frame) {
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(frame.canvas, 0, 0, canvas.width, canvas.height - band);
      ctx.fillStyle = foreground;
      ctx.font = `${Math.round(FONT * dpr * size.scale)}px system-ui, sans-serif`;
      ctx.textBaseline = 'middle';
      ctx.fillText(frame.caption, Math.round(10 * dpr * size.scale), canvas.height - band / 2);
      await source.add(frames * holdSeconds, holdSeconds);
      frames++;
    },
    async finish() {
      source.close();
      await output.finalize();
      if (!target.buffer) throw new Error('the encoder produced no file');
      return new Uint8Array(target.buffer);
    },
    async cancel() {
      await output.cancel();
    },
  };
}

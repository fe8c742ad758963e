/**
 * The toolbar's icons as inline SVG (16×16 viewBox), so they render the same everywhere —
 * symbol characters like ⏮ are missing from many fonts.
 */
const PATHS: Record<string, string> = {
  'to-start': 'M2 2h2v12H2zM14 2v12L5 8z',
  'reverse-continue': 'M8 2v12L1 8zM15 2v12L8 8z',
  'prev-op': 'M2 2h12v2H2zM8 5l6 7H2z',
  'step-back-out': 'M6 3L1 7l5 4V8h5a2 2 0 0 1 2 2v4h2v-4a4 4 0 0 0-4-4H6z',
  'step-back-over': 'M8 4a6 6 0 0 0-5.3 3.2L1 5.5V11h5.5L4.4 8.9A4 4 0 0 1 12 10h2a6 6 0 0 0-6-6zM7 13h2v2H7z',
  'step-back': 'M12 2v12L4 8z',
  'step-into': 'M4 2v12l8-6z',
  'step-over': 'M8 4a6 6 0 0 1 5.3 3.2L15 5.5V11H9.5l2.1-2.1A4 4 0 0 0 4 10H2a6 6 0 0 1 6-6zM7 13h2v2H7z',
  'step-out': 'M10 3l5 4-5 4V8H5a2 2 0 0 0-2 2v4H1v-4a4 4 0 0 1 4-4h5z',
  'next-op': 'M2 12h12v2H2zM8 11L2 4h12z',
  continue: 'M1 2v12l7-6zM8 2v12l7-6z',
  'to-end': 'M12 2h2v12h-2zM2 2v12l9-6z',
  // play and pause sit in a ring, so that play never reads as step into's lone triangle
  play: 'M8 1a7 7 0 1 0 0 14a7 7 0 1 0 0-14zm0 1.5a5.5 5.5 0 1 1 0 11a5.5 5.5 0 1 1 0-11zM6.3 5v6l4.8-3z',
  pause: 'M8 1a7 7 0 1 0 0 14a7 7 0 1 0 0-14zm0 1.5a5.5 5.5 0 1 1 0 11a5.5 5.5 0 1 1 0-11zM5.6 5h1.7v6H5.6zM8.7 5h1.7v6H8.7z',
  presentation: 'M1 1h5v2H3v3H1zM10 1h5v5h-2V3h-3zM1 10h2v3h3v2H1zM13 10h2v5h-5v-2h3z',
  help: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm.9 11.5H7.1v-1.8h1.8zm1.6-5.3c-.3.5-.8.8-1.2 1.1-.4.3-.5.5-.5 1v.4H7.1v-.6c0-.8.3-1.2.9-1.6.5-.4.8-.6.8-1.1 0-.5-.4-.8-.9-.8s-.9.3-1 .9l-1.7-.3C5.4 4.9 6.6 4 8 4c1.7 0 2.8.9 2.8 2.2 0 .4-.1.7-.3 1z',
};

export function Icon({ name }: { name: string }) {
  const d = PATHS[name];
  return (
    <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {d && <path d={d} />}
    </svg>
  );
}

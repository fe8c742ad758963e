/** The presentation caption's text (Presentation.tsx): short, whole sentences. */

/** The text's first sentence, or its first sentences up to `min` characters (a short one like "Round 1." says too little). */
export function firstSentence(text: string, min = 40): string {
  const sentence = /^.*?(?:[.!?](?=\s|$)|[。！？])/su;
  let rest = text.trim();
  let out = '';
  while (rest && out.length < min) {
    const m = sentence.exec(rest);
    const part = m ? m[0] : rest;
    out = out ? `${out}${/[。！？]$/u.test(out) ? '' : ' '}${part.trim()}` : part.trim();
    rest = rest.slice(part.length).trim();
  }
  return out;
}

/** The presentation caption's text: whole sentences, at least a few words (src/renderer/app/presentation-caption.ts). */
import { describe, expect, it } from 'vitest';
import { firstSentence } from '../../src/renderer/app/presentation-caption';

describe('the caption text', () => {
  it('keeps the first sentence when it says enough', () => {
    expect(firstSentence('A long first sentence that says enough on its own here. Then more.')).toBe('A long first sentence that says enough on its own here.');
    expect(firstSentence('Copied 2.5 MiB to GPU 1 over the link at full speed today. Next')).toBe('Copied 2.5 MiB to GPU 1 over the link at full speed today.');
  });
  it('joins a short first sentence to the next', () => {
    expect(firstSentence('Round 1. The CPU writes the flag array first. Then more.')).toBe('Round 1. The CPU writes the flag array first.');
  });
  it('takes a text without a full stop whole, and Chinese full stops without spaces', () => {
    expect(firstSentence('No stop here')).toBe('No stop here');
    expect(firstSentence('页面迁移了，这一句足够长吗？不够长的话会接上下一句。然后更多。', 10)).toBe('页面迁移了，这一句足够长吗？');
    expect(firstSentence('短句。第二句也很短。第三句。', 6)).toBe('短句。第二句也很短。');
  });
});

/**
 * ESLint rule `uvmscope/user-strings`: in the renderer, text a person reads goes through the
 * message catalogue (i18next `t()`), so the app can be translated. It reports words written
 * straight into JSX — text children, and the attributes people read (title, aria-label,
 * placeholder, alt, label) — while leaving punctuation, numbers and symbols alone.
 */

/** Contains a letter of any script: that is a word someone would translate. */
const WORDY = /\p{L}{2,}/u;
const READ_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'label', 'aria-description']);

/** @type {import('eslint').Rule.RuleModule} */
export const userStringsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'user-visible renderer strings go through the i18n catalogue' },
    messages: {
      literal: 'User-visible text "{{text}}" is written in the JSX: put it in the catalogue (src/renderer/i18n/en) and use t().',
    },
    schema: [],
  },
  create(context) {
    /** @param {import('estree').Node} node @param {string} text */
    const report = (node, text) => context.report({ node, messageId: 'literal', data: { text: text.trim().slice(0, 40) } });
    return {
      /** @param {any} node a JSXText node (not in estree's types) */
      JSXText(node) {
        if (WORDY.test(node.value)) report(node, node.value);
      },
      /** @param {any} node a JSXAttribute node */
      JSXAttribute(node) {
        const name = node.name.type === 'JSXIdentifier' ? node.name.name : '';
        if (!READ_ATTRIBUTES.has(name) || !node.value) return;
        if (node.value.type === 'Literal' && typeof node.value.value === 'string' && WORDY.test(node.value.value)) report(node.value, node.value.value);
      },
    };
  },
};

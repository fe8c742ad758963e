/**
 * The shape a translation must have: the English namespace's keys and nesting, every value a string. Plural keys
 * follow the language's plural rules in i18next: a language whose only plural category is `other` (Chinese) has no
 * `_one` forms, so `Catalogue<typeof en.x>` drops them (`_zero`, i18next's special form for a count of 0, stays).
 * `zh satisfies Catalogue<typeof en>` makes a missing or extra key a TypeScript error.
 */
export type Catalogue<T> = {
  readonly [K in keyof T as K extends `${string}_one` ? never : K]: T[K] extends string ? string : Catalogue<T[K]>;
};

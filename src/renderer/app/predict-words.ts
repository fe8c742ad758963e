/**
 * The grade in words (predict mode), case by case as the host words its `summary`
 * (`5 of 6 pages right; 1 missed, 2 wrong`), through the catalogue so that every language says it.
 */
type Translate = (key: string, options: Record<string, unknown>) => string;

export function gradeWords(t: Translate, counts: { readonly correct: number; readonly missed: number; readonly wrong: number }, locale = 'en-US'): string {
  const { correct, missed, wrong } = counts;
  const n = (v: number) => v.toLocaleString(locale);
  const truth = correct + missed;
  if (truth === 0 && wrong === 0) return t('summary.nothing', {});
  if (truth === 0) return t('summary.nothingWrong', { count: wrong, wrong: n(wrong) });
  const head = t('summary.head', { count: truth, total: n(truth), correct: n(correct) });
  if (missed === 0 && wrong === 0) return t('summary.all', { head });
  if (missed && wrong) return t('summary.missedWrong', { head, missed: n(missed), wrong: n(wrong) });
  return missed ? t('summary.missed', { head, missed: n(missed) }) : t('summary.wrong', { head, wrong: n(wrong) });
}

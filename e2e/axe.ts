/**
 * axe-core over the current page: WCAG 2.1 A/AA and best-practice rules (docs/architecture.md,
 * "Tests"). Each violation comes back as "rule (impact): where", so a failing `toEqual([])` says what
 * and where.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const RULE_SETS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(RULE_SETS).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((node) => `${v.id} (${v.impact ?? 'n/a'}): ${node.target.join(' ')}`),
  );
}

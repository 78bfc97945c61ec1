import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES } from '../app/catalog/default-catalog';
import { renderAlertsDoc } from '../scripts/alerts-doc/render-alerts-doc';
import { SIGMA_COVERAGE, summariseSigmaCoverage } from '../scripts/alerts-doc/sigma-coverage';
import { FIXTURES_DIR } from './support/corpus';

const SIGMA_FOLDERS = ['sigma', 'sigma-more'] as const;

/** Every SigmaHQ rule in the fixtures, with the id and author its file gives. */
const sigmaRules = SIGMA_FOLDERS.flatMap((folder) =>
  readdirSync(join(FIXTURES_DIR, folder))
    .filter((f) => f.endsWith('.yml'))
    .map((file) => {
      const text = readFileSync(join(FIXTURES_DIR, folder, file), 'utf8');
      return { folder, file, id: /^id: (.+)$/m.exec(text)![1]!.trim(), author: /^author: (.+)$/m.exec(text)![1]!.trim() };
    }),
);

describe('docs/ALERTS.md', () => {
  it('is up to date with the catalog (run `npm run docs:alerts` after changing it)', () => {
    const onDisk = readFileSync(join(__dirname, '..', 'docs', 'ALERTS.md'), 'utf8');
    expect(onDisk).toBe(renderAlertsDoc(DEFAULT_RULES, SIGMA_COVERAGE));
  });

  it('judges every one of the 58 SigmaHQ CloudTrail rules exactly once, with its own id and author', () => {
    expect(sigmaRules).toHaveLength(58);
    for (const rule of sigmaRules) {
      const entries = SIGMA_COVERAGE.filter((s) => s.folder === rule.folder && s.file === rule.file);
      expect({ file: rule.file, entries: entries.map((e) => ({ id: e.id, author: e.author })) }).toEqual({
        file: rule.file,
        entries: [{ id: rule.id, author: rule.author }],
      });
    }
    expect(SIGMA_COVERAGE).toHaveLength(58);
  });

  it('covers at least 90% of the Sigma rules about the identity plane and the audit and detection tooling, and says so', () => {
    const summary = summariseSigmaCoverage(SIGMA_COVERAGE);

    expect(summary.inScope).toBeGreaterThanOrEqual(20);
    expect(summary.percent).toBeGreaterThanOrEqual(90);
    expect(renderAlertsDoc(DEFAULT_RULES, SIGMA_COVERAGE)).toContain(
      `of the ${summary.inScope} rules about the identity plane and the audit and detection tooling,\n${summary.covered + summary.partlyCovered} (${summary.percent} %) are covered`,
    );
  });

  it('names only rules that exist, every covered entry names one, and out-of-scope entries say so', () => {
    const ids = new Set(DEFAULT_RULES.map((r) => r.id));
    for (const entry of SIGMA_COVERAGE) {
      for (const rule of entry.rules) expect(ids).toContain(rule);
      if (entry.verdict !== 'not covered') expect(entry.rules.length).toBeGreaterThan(0);
      if (entry.scope === 'other service') {
        expect({ file: entry.file, verdict: entry.verdict, why: entry.why }).toEqual({
          file: entry.file,
          verdict: 'not covered',
          why: expect.stringMatching(/^Out of scope: not the identity plane or its watchers/),
        });
      }
    }
  });
});

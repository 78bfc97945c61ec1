import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES } from '../app/catalog/default-catalog';
import { renderAlertsDoc } from '../scripts/alerts-doc/render-alerts-doc';
import { SIGMA_COVERAGE } from '../scripts/alerts-doc/sigma-coverage';
import { FIXTURES_DIR } from './support/corpus';

describe('docs/ALERTS.md', () => {
  it('is up to date with the catalog (run `npm run docs:alerts` after changing it)', () => {
    const onDisk = readFileSync(join(__dirname, '..', 'docs', 'ALERTS.md'), 'utf8');
    expect(onDisk).toBe(renderAlertsDoc(DEFAULT_RULES, SIGMA_COVERAGE));
  });

  it('says, for every Sigma rule in test/fixtures/sigma, whether it is covered', () => {
    const files = readdirSync(join(FIXTURES_DIR, 'sigma')).filter((f) => f.endsWith('.yml'));
    expect(SIGMA_COVERAGE.map((s) => s.file).sort()).toEqual(files.sort());
    for (const entry of SIGMA_COVERAGE) {
      const text = readFileSync(join(FIXTURES_DIR, 'sigma', entry.file), 'utf8');
      expect(text).toContain(`id: ${entry.id}`);
    }
  });

  it('names only rules that exist, and every covered entry names one', () => {
    const ids = new Set(DEFAULT_RULES.map((r) => r.id));
    for (const entry of SIGMA_COVERAGE) {
      for (const rule of entry.rules) expect(ids).toContain(rule);
      if (entry.verdict !== 'not covered') expect(entry.rules.length).toBeGreaterThan(0);
    }
  });
});

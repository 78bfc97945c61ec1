import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES } from '../app/catalog/default-catalog';
import { renderAlertsDoc } from './alerts-doc/render-alerts-doc';
import { SIGMA_COVERAGE } from './alerts-doc/sigma-coverage';

/** Regenerates docs/ALERTS.md from the catalog (`npm run docs:alerts`). */
const path = join(__dirname, '..', 'docs', 'ALERTS.md');
writeFileSync(path, renderAlertsDoc(DEFAULT_RULES, SIGMA_COVERAGE));
console.log(`wrote ${path}`);

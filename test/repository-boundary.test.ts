import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { FIXTURES_DIR } from './support/corpus';

/**
 * `npm test` reads only what is in the repository: CI clones the repository alone, without the
 * team's corpus beside it. The corpus files the tests need are copied into `test/fixtures/`, and
 * `test/fixtures/PROVENANCE.md` says where each came from.
 */

const ROOT = resolve(__dirname, '..');
const SOURCE_FOLDERS = ['test', 'app', 'scripts', 'bench', 'cli', 'handlers', 'infra', 'blocks'];
const SOURCE_EXTENSIONS = new Set(['.ts', '.js', '.mjs', '.cjs', '.json']);
const SKIPPED_FOLDERS = new Set(['node_modules', 'cdk.out', 'dist', 'coverage']);

// Built from pieces, so that this file does not match its own patterns.
const OUTSIDE_FOLDER = ['sha', 'red'].join('');
const QUOTE = '[\'"`]';
/** Path forms that reach the folder beside the repository. */
const OUTSIDE_PATHS: Array<[string, RegExp]> = [
  // `../x/`, `../../../x'`, `..\x`
  ['a relative path', new RegExp(`\\.\\.[\\\\/]+(?:\\.\\.[\\\\/]+)*${OUTSIDE_FOLDER}(?![\\w-])`)],
  // join(__dirname, '..', '..', 'x')
  ['path segments', new RegExp(`${QUOTE}\\.\\.${QUOTE}\\s*,\\s*(?:${QUOTE}\\.\\.${QUOTE}\\s*,\\s*)*${QUOTE}${OUTSIDE_FOLDER}${QUOTE}`)],
  // /work/x, the folder's absolute path on our machines
  ['an absolute path', new RegExp(`[\\\\/]work[\\\\/]${OUTSIDE_FOLDER}(?![\\w-])`)],
];

const FIXTURES_PROVENANCE = join(FIXTURES_DIR, 'PROVENANCE.md');
/** Fixtures written for this project, so not listed as copies in PROVENANCE.md. */
const OWN_FIXTURES = new Set(['PROVENANCE.md', 'corpus-expectations.json']);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

/** A path relative to the repository root, with `/` on every platform (as PROVENANCE.md writes it). */
function repoPath(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

/** Every `test/fixtures/...` path PROVENANCE.md names in backticks. */
function pathsNamedInProvenance(): Set<string> {
  const text = readFileSync(FIXTURES_PROVENANCE, 'utf8');
  return new Set([...text.matchAll(/`(test\/fixtures\/[^`\s]+)`/g)].map((m) => m[1]!));
}

describe('the repository boundary', () => {
  it('keeps the fixtures inside the repository', () => {
    expect(repoPath(FIXTURES_DIR)).toBe('test/fixtures');
  });

  it('finds source files in every folder it scans (so the scan below is not vacuous)', () => {
    const withSources = SOURCE_FOLDERS.filter((folder) => filesUnder(join(ROOT, folder)).some((f) => SOURCE_EXTENSIONS.has(extname(f))));

    expect(withSources).toEqual(SOURCE_FOLDERS);
  });

  it('names no path to the corpus beside the repository in any source file', () => {
    const offences = SOURCE_FOLDERS.flatMap((folder) =>
      filesUnder(join(ROOT, folder))
        .filter((file) => SOURCE_EXTENSIONS.has(extname(file)))
        .flatMap((file) =>
          readFileSync(file, 'utf8')
            .split('\n')
            .flatMap((line, i) =>
              OUTSIDE_PATHS.filter(([, pattern]) => pattern.test(line)).map(
                ([form]) => `${repoPath(file)}:${i + 1} (${form}): ${line.trim()}`,
              ),
            ),
        ),
    );

    expect(offences).toEqual([]);
  });

  it('recognises each form of such a path (the patterns above are not dead)', () => {
    const up = '..';
    const samples = [
      `readFileSync(join(__dirname, '${up}/${up}/${up}/${OUTSIDE_FOLDER}/corpus/x.json'))`,
      `resolve(__dirname, '${up}', '${up}', '${OUTSIDE_FOLDER}', 'corpus')`,
      `const dir = '/work/${OUTSIDE_FOLDER}/corpus';`,
    ];
    expect(samples.map((sample) => OUTSIDE_PATHS.filter(([, pattern]) => pattern.test(sample)).map(([form]) => form))).toEqual([
      ['a relative path'],
      ['path segments'],
      ['an absolute path'],
    ]);
    expect(OUTSIDE_PATHS.some(([, pattern]) => pattern.test('"sharedEventID": "1111", is_ext_shared_channel'))).toBe(false);
  });
});

describe('test/fixtures/PROVENANCE.md', () => {
  it('names only fixtures that exist', () => {
    const missing = [...pathsNamedInProvenance()].filter((path) => !existsSync(join(ROOT, path)));

    expect(missing).toEqual([]);
  });

  it('names every copied fixture', () => {
    const named = pathsNamedInProvenance();
    const unnamed = filesUnder(FIXTURES_DIR)
      .filter((file) => !OWN_FIXTURES.has(relative(FIXTURES_DIR, file)))
      .map(repoPath)
      .filter((path) => !named.has(path));

    expect(unnamed).toEqual([]);
  });

  it("keeps each Sigma rule's id and author, as the Detection Rule License asks", () => {
    const text = readFileSync(FIXTURES_PROVENANCE, 'utf8');
    const rules = ['sigma', 'sigma-more'].flatMap((folder) => filesUnder(join(FIXTURES_DIR, folder)));
    expect(rules).toHaveLength(58);
    for (const file of rules) {
      const rule = readFileSync(file, 'utf8');
      const id = /^id: (.+)$/m.exec(rule)![1]!.trim();
      const author = /^author: (.+)$/m.exec(rule)![1]!.trim().replaceAll('|', '\\|');
      const row = text.split('\n').find((line) => line.startsWith(`| \`${repoPath(file)}\` |`));
      expect({ file: repoPath(file), row }).toEqual({ file: repoPath(file), row: expect.stringContaining(`| \`${id}\` | ${author} |`) });
    }
  });
});

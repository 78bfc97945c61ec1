import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * Stack traces that point at the TypeScript sources, read from the bundle's source map only when a
 * stack is first formatted (an error logged), instead of Node's `--enable-source-maps`, which reads
 * and indexes the whole map (1.3 MB for the notifier) at every cold start, before the first event.
 *
 * Every Lambda bundle calls this first (`handlers/lambda-prelude.ts`). It sets
 * `Error.prepareStackTrace` (V8's hook, which Node honours), unless Node maps stacks already or
 * something else set the hook. The map is read once per container; when it is missing or cannot be
 * read, frames are printed as V8 prints them.
 * @returns whether it installed the hook.
 */
export function installSourceMappedStacks(bundleFile: string): boolean {
  // Recent Node versions define the hook themselves (`ErrorPrepareStackTrace`, V8's formatting);
  // any other one was set by someone else, who keeps it.
  const current = Error.prepareStackTrace;
  if (process.sourceMapsEnabled || (current !== undefined && current.name !== 'ErrorPrepareStackTrace')) return false;
  const mapFile = `${bundleFile}.map`;
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    return map;
  };
  Error.prepareStackTrace = (error, sites) => {
    try {
      return formatStack(error, sites, bundleFile, sourceMap);
    } catch {
      return [header(error), ...sites.map((site) => `    at ${site}`)].join('\n');
    }
  };
  return true;
}

interface Mapped {
  file: string;
  line: number;
  column: number;
  /** The original name at this position: for a call, the name of the function called. */
  name?: string;
}

function formatStack(error: Error, sites: NodeJS.CallSite[], bundleFile: string, sourceMap: () => SourceMap | null): string {
  const inBundle = (site: NodeJS.CallSite | undefined) => site !== undefined && site.getFileName() === bundleFile;
  const locate = (site: NodeJS.CallSite): Mapped | undefined => {
    const map = inBundle(site) ? sourceMap() : null;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!map || line === null || column === null) return undefined;
    const entry = map.findEntry(line - 1, column - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
      name?: string;
    };
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    return {
      file: resolve(dirname(bundleFile), entry.originalSource),
      line: entry.originalLine + 1,
      column: entry.originalColumn + 1,
      name: entry.name,
    };
  };
  const mapped = sites.map(locate);
  const lines = sites.map((site, i) => {
    const here = mapped[i];
    if (!here) return `    at ${site}`;
    // A minified bundle's function names say nothing; the caller's frame, mapped, names the
    // function it called (what Node's own source-map support does too).
    const name = mapped[i + 1]?.name ?? site.getFunctionName() ?? undefined;
    const location = `${here.file}:${here.line}:${here.column}`;
    const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
    return name ? `    at ${prefix}${name} (${location})` : `    at ${prefix}${location}`;
  });
  return [header(error), ...lines].join('\n');
}

function header(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

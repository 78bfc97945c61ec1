import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import type { Catalog } from '../catalog/catalog-config';
import { parseNotifierInput } from '../events/parse-input';
import { type PreparedItem, prepareItem } from '../notifier/prepare';
import { InputFormatError } from './errors';

/**
 * The offline half of local mode: events from a file, stdin or `samples/` go through the same
 * parse ▸ classify ▸ render steps as the notifier Lambda (`prepareItem`), with no Slack client and
 * no network at all.
 */

/** The curated sample events shipped with the repository (`samples/*.json`, see samples/README.md). */
export const SAMPLES_DIR = resolve(__dirname, '../../samples');

/** A CloudTrail log file as delivered to S3: `{"Records": [...]}`. */
const cloudTrailLogFileSchema = z.looseObject({ Records: z.array(z.looseObject({})).min(1) });
/** `aws cloudtrail lookup-events` output: records as JSON strings under `Events[].CloudTrailEvent`. */
const lookupEventsOutputSchema = z.looseObject({
  Events: z.array(z.looseObject({ CloudTrailEvent: z.string() })),
});

/**
 * Splits preview input into values: one JSON document (an object or an array), or JSON Lines.
 * CloudTrail log files (`{"Records": [...]}`) and `aws cloudtrail lookup-events` output are
 * unwrapped into their records; SNS events are left whole for the notifier's parser.
 * @throws InputFormatError naming the line that is not JSON.
 */
export function readEventValues(text: string, source = 'input'): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputFormatError(`${source} is empty: expected CloudTrail records or EventBridge events as JSON or JSONL`);
  let values: unknown[];
  try {
    const whole: unknown = JSON.parse(trimmed);
    values = Array.isArray(whole) ? whole : [whole];
  } catch {
    values = trimmed
      .split('\n')
      .map((line, i) => ({ line: line.trim(), n: i + 1 }))
      .filter(({ line }) => line !== '')
      .map(({ line, n }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (error) {
          throw new InputFormatError(`${source} line ${n} is not JSON (${(error as Error).message})`, { cause: error });
        }
      });
  }
  return values.flatMap(unwrapContainer);
}

function unwrapContainer(value: unknown): unknown[] {
  const lookup = lookupEventsOutputSchema.safeParse(value);
  if (lookup.success) return lookup.data.Events.map((e) => safeJson(e.CloudTrailEvent));
  const logFile = cloudTrailLogFileSchema.safeParse(value);
  // An SNS event also has Records, but its records carry `Sns`: the notifier's parser takes those.
  if (logFile.success && !logFile.data.Records.some((r) => 'Sns' in r)) return logFile.data.Records;
  return [value];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface PreviewOptions {
  catalog: Catalog;
  accountAliases?: Readonly<Record<string, string>>;
}

/** Classifies and renders every value, in order: what the notifier would post for each. */
export function previewValues(values: readonly unknown[], options: PreviewOptions): PreparedItem[] {
  return values.flatMap((value) => parseNotifierInput(value)).map((item) => prepareItem(item, options));
}

/** A sample event file and its parsed content. */
export interface SampleEvent {
  file: string;
  value: unknown;
}

/** Reads `samples/*.json` in name order. @throws InputFormatError when a sample is not JSON. */
export function loadSamples(dir = SAMPLES_DIR): SampleEvent[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      try {
        return { file, value: JSON.parse(text) as unknown };
      } catch (error) {
        throw new InputFormatError(`sample ${file} is not JSON (${(error as Error).message})`, { cause: error });
      }
    });
}

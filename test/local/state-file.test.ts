import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateFileError } from '../../app/local/errors';
import { fileStateStore, pruneSeen } from '../../app/local/state-file';

describe('fileStateStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'iam-alerts-state-'));
  });

  it('starts empty when the file does not exist yet', () => {
    expect(fileStateStore(join(dir, 'state.json')).load()).toEqual({ polledUntil: undefined, seen: new Map() });
  });

  it('reads back what it wrote, creating the folder, readable by its owner only', () => {
    const path = join(dir, 'nested', 'state.json');
    const store = fileStateStore(path);
    store.save({
      polledUntil: new Date('2026-11-22T06:00:00Z'),
      seen: new Map([
        ['ev-1', 1],
        ['ev-2', 2],
      ]),
    });

    expect(store.load()).toEqual({
      polledUntil: new Date('2026-11-22T06:00:00Z'),
      seen: new Map([
        ['ev-1', 1],
        ['ev-2', 2],
      ]),
    });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
  });

  it('refuses a damaged file with a message that says what to do', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{"version": 1, "seen": [');
    expect(() => fileStateStore(path).load()).toThrow(StateFileError);
    expect(() => fileStateStore(path).load()).toThrow(/move it away to start afresh/);
    writeFileSync(path, JSON.stringify({ something: 'else' }));
    expect(() => fileStateStore(path).load()).toThrow(/not an iam-alerts state file/);
  });

  it('fails to save into a path it cannot write, and leaves no temporary file', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    expect(() => fileStateStore(join(blocker, 'state.json')).save({ seen: new Map() })).toThrow(StateFileError);
    mkdirSync(join(dir, 'state.json'));
    expect(() => fileStateStore(join(dir, 'state.json')).save({ seen: new Map() })).toThrow(/cannot write the state file/);
    expect(readdirSync(dir).sort()).toEqual(['file', 'state.json']);
  });
});

describe('pruneSeen', () => {
  it('forgets events older than the next window and keeps at most the newest `max`', () => {
    const seen = new Map([
      ['old', 100],
      ['a', 1000],
      ['b', 2000],
      ['c', 3000],
    ]);
    expect([...pruneSeen(seen, 500).keys()]).toEqual(['a', 'b', 'c']);
    expect([...pruneSeen(seen, 0, 2).keys()]).toEqual(['b', 'c']);
  });
});

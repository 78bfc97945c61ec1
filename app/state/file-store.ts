import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MemoryStore } from './memory-store';

/**
 * A {@link MemoryStore} saved to a JSON file after every write, so local mode keeps its dedupe
 * records and open bursts across runs (`LOCAL_STATE_FILE`). One process at a time: it is for a
 * developer's machine, not for sharing between processes.
 */
export class FileStore extends MemoryStore {
  constructor(private readonly path: string) {
    super();
    if (existsSync(path)) {
      const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { value: unknown; version: number; expiresAtSeconds: number }>;
      for (const [key, item] of Object.entries(saved)) this.items.set(key, item);
    }
  }

  protected override changed(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    // Write then rename, so a crash never leaves half a file behind.
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.items)));
    renameSync(temp, this.path);
  }
}

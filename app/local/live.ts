import type { CliIo } from '../../cli/command';
import type { Config } from '../config';

export async function runLocalBot(_config: Config, _io: CliIo): Promise<number> {
  throw new Error('not yet');
}

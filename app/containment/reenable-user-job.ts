import { z } from 'zod';
import type { JobHandler } from '../jobs/types';

/** Work in progress: implemented by the next commit. */
export const reenableUserJob: JobHandler<unknown> = {
  kind: 'reenable-user',
  schema: z.unknown(),
  run: async () => {
    throw new Error('not implemented yet');
  },
};

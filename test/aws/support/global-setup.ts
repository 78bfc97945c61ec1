import { startMotoServer } from './moto-server';

/**
 * Jest global setup of `npm run test:aws`: one moto server for the whole run. Test files reach it
 * only through the SDK's own configuration, `AWS_ENDPOINT_URL` (the workers inherit this
 * environment), with the real SDK clients: nothing in the code under test knows it is moto.
 */
export default async function globalSetup(): Promise<void> {
  const moto = await startMotoServer({
    // AWS managed policies (AWSDenyAll, ...) exist in every account, as in AWS.
    env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  (globalThis as { __MOTO__?: typeof moto }).__MOTO__ = moto;
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.MOTO_ENDPOINT = moto.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  // Moto accepts any credentials; these name its default account, 123456789012.
  process.env.AWS_ACCESS_KEY_ID = 'AKIAMOTOTESTEXAMPLE1';
  process.env.AWS_SECRET_ACCESS_KEY = 'moto-test-secret';
}

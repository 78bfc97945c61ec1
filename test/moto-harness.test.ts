import { MOTO_MISSING, startMotoServer } from './aws/support/moto-server';

describe('the moto harness of npm run test:aws', () => {
  it('fails, naming the install command, when moto is not installed (it never skips the suite)', async () => {
    // No moto_server and no python3 on this PATH: what a machine without moto looks like.
    const attempt = startMotoServer({ env: { PATH: '/nonexistent' } });

    await expect(attempt).rejects.toThrow(MOTO_MISSING);
    expect(MOTO_MISSING).toContain('pip install "moto[server]"');
  });
});

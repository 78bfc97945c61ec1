import { KMSClient } from '@aws-sdk/client-kms';
import { openPassword, PASSWORD_HOLD_SECONDS, sealPassword } from '../../app/onboarding/sealed-password';
import { MemoryStore } from '../../app/state/memory-store';
import { mockOnboardingAws, type OnboardingAws } from './support/onboarding-aws';

const KEY = 'alias/iam-alerts-onboarding';
const about = { recipient: 'U0JANE', accountId: '123456789012', userName: 'jane@example.com', eventId: 'evt-1' };
const PASSWORD = 'Xk4$Qw9!mN2@pL7^rT5_vB8=';

let aws: OnboardingAws;
let store: MemoryStore;
let now: number;
beforeEach(() => {
  aws = mockOnboardingAws();
  store = new MemoryStore();
  now = Date.UTC(2024, 4, 1, 10);
});
afterEach(() => aws.restore());

const deps = () => ({ kms: new KMSClient({}), keyId: KEY, store, now: () => now });
const items = () => [...(store as unknown as { items: Map<string, { value: unknown; expiresAtSeconds: number }> }).items.values()];

describe('sealPassword and openPassword', () => {
  it('stores only the KMS ciphertext, under an encryption context naming the account, the user, the recipient and the item', async () => {
    const { secretId, expiresAt } = await sealPassword(deps(), PASSWORD, about);

    expect(JSON.stringify(items())).not.toContain(PASSWORD);
    expect(expiresAt).toBe(now / 1000 + PASSWORD_HOLD_SECONDS);
    expect(items()[0]!.expiresAtSeconds).toBe(expiresAt);
    const [encrypt] = aws.kms.calls();
    expect(encrypt!.args[0].input).toMatchObject({
      KeyId: KEY,
      EncryptionContext: {
        'iam-alerts:purpose': 'onboarding-password',
        'iam-alerts:account': '123456789012',
        'iam-alerts:user': 'jane@example.com',
        'iam-alerts:recipient': 'U0JANE',
        'iam-alerts:secret': secretId,
      },
    });
  });

  it('reveals it once, to its recipient only, and removes the ciphertext', async () => {
    const { secretId } = await sealPassword(deps(), PASSWORD, about);

    const stranger = await openPassword(deps(), secretId, 'U0MALLORY');
    const first = await openPassword(deps(), secretId, 'U0JANE');
    const second = await openPassword(deps(), secretId, 'U0JANE');

    expect(stranger).toEqual({ kind: 'not-yours', recipient: 'U0JANE' });
    expect(first).toMatchObject({ kind: 'revealed', password: PASSWORD });
    expect(second).toEqual({ kind: 'already-revealed', revealedAt: now / 1000 });
    expect(JSON.stringify(items())).not.toContain('ciphertext');
  });

  it('gives it to one of two clicks that race, never both', async () => {
    const { secretId } = await sealPassword(deps(), PASSWORD, about);

    const results = await Promise.all([openPassword(deps(), secretId, 'U0JANE'), openPassword(deps(), secretId, 'U0JANE')]);

    expect(results.map((r) => r.kind).sort()).toEqual(['already-revealed', 'revealed']);
  });

  it('expires after a day: the ciphertext is removed when next asked for, and nothing is shown', async () => {
    const { secretId } = await sealPassword(deps(), PASSWORD, about);
    now += (PASSWORD_HOLD_SECONDS + 1) * 1000;

    const result = await openPassword(deps(), secretId, 'U0JANE');

    expect(result).toEqual({ kind: 'expired' });
    expect(JSON.stringify(items())).not.toContain('ciphertext');
    expect(aws.kms.calls().map((c) => c.args[0].constructor.name)).toEqual(['EncryptCommand']);
  });

  it('does not decrypt for a record whose recipient was changed in the table: the encryption context no longer matches', async () => {
    const { secretId } = await sealPassword(deps(), PASSWORD, about);
    const key = `onboarding#secret#${secretId}`;
    const stored = await store.get<Record<string, unknown>>(key, now / 1000);
    await store.put(key, { ...stored.value, recipient: 'U0MALLORY' }, stored.version, now / 1000 + 3600);

    await expect(openPassword(deps(), secretId, 'U0MALLORY')).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('knows nothing of an ID it did not make', async () => {
    expect(await openPassword(deps(), 'not an id', 'U0JANE')).toEqual({ kind: 'unknown' });
    expect(await openPassword(deps(), 'AAAAAAAAAAAAAAAAAAAAAA', 'U0JANE')).toEqual({ kind: 'unknown' });
  });
});

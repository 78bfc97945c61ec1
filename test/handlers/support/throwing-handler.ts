/** A Lambda entry point that fails two calls deep, bundled by test/handlers/source-mapped-stacks.test.ts. */
export async function handler(): Promise<void> {
  await Promise.resolve();
  validateTheEvent();
}

function validateTheEvent(): never {
  throw new Error('the event is not valid');
}

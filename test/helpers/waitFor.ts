// Waiting by condition, never by sleeping: `check` returns why it is not done yet (a string)
// or undefined when it is. On timeout the last reason is in the error, so a failure says what
// was still missing.
export async function waitFor(check: () => string | undefined | Promise<string | undefined>, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let why: string | undefined = 'not checked yet';
  while (Date.now() < deadline) {
    why = await check();
    if (why === undefined) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${why}`);
}

/** The support console from a real browser page: sign in with a token, read a report's JSON. */
import type { Page } from 'playwright-core';

/** Signs `page` in to `<relayUrl>/console` through its sign-in form, as support staff do. */
export async function signInToConsole(
  page: Page,
  relayUrl: string,
  user: string,
  token: string,
): Promise<void> {
  await page.goto(`${relayUrl}/console`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Support token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Look up a report' }).waitFor();
}

/**
 * The console's JSON for a code or id, fetched by `page` on the relay's origin (Chromium trusts the relay's
 * key there, and a signed-in page sends its session cookie); with `credentials` (`name:token`), as a script
 * sends them.
 */
export async function consoleJson(
  page: Page,
  code: string,
  credentials?: string,
): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ code, credentials }) => {
      const res = await fetch(`/console/api/reports/${encodeURIComponent(code)}`, {
        headers: credentials ? { Authorization: `Bearer ${credentials}` } : {},
      });
      return { status: res.status, body: await res.json() };
    },
    { code, credentials },
  );
}

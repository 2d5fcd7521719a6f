// Real Chromium for browser tests (playwright-core, the Debian chromium binary), with helpers
// that drive the app the way a person does: through its forms and buttons.
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { waitFor } from './waitFor.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Fake camera and microphone, permission granted, and "Entire screen" chosen for getDisplayMedia. */
export const FAKE_MEDIA_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  '--autoplay-policy=no-user-gesture-required',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and CSP violations seen so far: a test ends by asserting none. */
  problems: string[];
}

/**
 * A fresh context (own cookies) with one page, at `baseUrl`'s origin. `touch`: a touch screen
 * (touch events and pointers of type "touch", as from a tablet).
 */
export async function openApp(browser: Browser, baseUrl: string, o: { width?: number; height?: number; touch?: boolean } = {}): Promise<AppPage> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    baseURL: baseUrl,
    viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
    hasTouch: o.touch ?? false,
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Signs in through the login form and waits for the rooms list. */
export async function signIn(page: Page, username: string, password = `${username}-password`): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'My rooms' }).waitFor();
}

/** Opens a room from the rooms list and waits until the classroom is live. */
export async function openRoom(page: Page, roomId: string): Promise<void> {
  await page.getByTestId(`room-${roomId}`).click();
  await waitForConnection(page, 'live');
}

export async function waitForConnection(page: Page, state: 'live' | 'reconnecting' | 'ended', timeoutMs = 10_000): Promise<void> {
  await page.locator(`[data-testid="connection-status"][data-state="${state}"]`).waitFor({ timeout: timeoutMs });
}

/** Types into the composer and presses Enter, then waits until the draft is cleared (the server confirmed). */
export async function sendChat(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
  await waitFor(async () => ((await input.inputValue()) === '' ? undefined : `draft "${text}" not cleared yet`));
}

/** Texts of the chat messages shown, oldest first. */
export function messageTexts(page: Page): Promise<string[]> {
  return page.getByTestId('message-text').allTextContents();
}

/** Waits until the message list contains `text`. */
export async function waitForMessage(page: Page, text: string, timeoutMs = 10_000): Promise<Locator> {
  const msg = page.getByTestId('message').filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });
  await msg.first().waitFor({ timeout: timeoutMs });
  return msg;
}

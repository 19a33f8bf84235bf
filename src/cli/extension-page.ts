/**
 * What the command line and the tests need from an extension page, whichever browser drives it: run a
 * function in the page with one serialisable argument. Playwright's Page (Chromium) and puppeteer's Page
 * (Firefox over WebDriver BiDi) both have it, with generic signatures of their own; callers state the
 * result's type.
 */
export interface ExtensionPage {
  // biome-ignore lint/suspicious/noExplicitAny: the common ground of two drivers' generic signatures
  evaluate(fn: (arg: any) => unknown, arg: never): Promise<unknown>;
}

/** Runs `fn(arg)` in the page and returns its result. */
export function inPage<R, A>(page: ExtensionPage, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  return page.evaluate(fn, arg as never) as Promise<R>;
}

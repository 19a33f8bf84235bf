/**
 * The popup's stylesheet, written into its HTML at build time: the browser then paints the popup's frame as
 * soon as the HTML is parsed, without first fetching a stylesheet that blocks rendering. The source keeps the
 * <link>, so the pages share one stylesheet file.
 */

/** `html` with its `<link rel="stylesheet" href="{href}">` replaced by a `<style>` holding `css`. */
export function inlineStylesheet(html: string, href: string, css: string): string {
  const escaped = href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const link = new RegExp(`<link rel="stylesheet" href="${escaped}"\\s*/?>`);
  if (!link.test(html)) throw new Error(`no <link rel="stylesheet" href="${href}"> to inline`);
  // A stylesheet cannot end the <style> element early unless it contains "</style"; ours never does.
  if (/<\/style/i.test(css)) throw new Error(`${href} contains "</style"`);
  return html.replace(link, () => `<style>\n${css.trimEnd()}\n</style>`);
}

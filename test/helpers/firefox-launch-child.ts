/**
 * The command line's Firefox launch in a process of its own, for a test that stops it part-way (Ctrl-C,
 * SIGTERM) or lets it fail: argv[2] is the add-on folder; FIREFOX_PATH names the Firefox to start.
 * SVC_SIGNALS_READY_FILE: a file written once the launch listens for Ctrl-C. Puppeteer subscribes right
 * after it spawns Firefox, but on a busy machine Firefox can start (and the test see it) before this
 * process runs again; a signal sent in that gap meets Node's default action, which no launch code sees.
 * The command line itself listens for both signals before it launches anything (src/cli/check.ts).
 */
import { writeFileSync } from 'node:fs';
import { launchFirefoxWithExtension } from '../../src/cli/firefox.ts';

const readyFile = process.env.SVC_SIGNALS_READY_FILE;
if (readyFile) {
  const watch = setInterval(() => {
    if (process.listenerCount('SIGINT') > 0 && process.listenerCount('SIGTERM') > 0) {
      writeFileSync(readyFile, String(process.pid));
      clearInterval(watch);
    }
  }, 5);
  watch.unref();
}

const firefox = await launchFirefoxWithExtension({ extensionDir: process.argv[2] as string });
await firefox.close();

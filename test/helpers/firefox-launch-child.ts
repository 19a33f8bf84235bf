/**
 * The command line's Firefox launch in a process of its own, for a test that stops it part-way (Ctrl-C,
 * SIGTERM) or lets it fail: argv[2] is the add-on folder; FIREFOX_PATH names the Firefox to start.
 */
import { launchFirefoxWithExtension } from '../../src/cli/firefox.ts';

const firefox = await launchFirefoxWithExtension({ extensionDir: process.argv[2] as string });
await firefox.close();

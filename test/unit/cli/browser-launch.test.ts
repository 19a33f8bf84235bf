import { describe, expect, it } from 'vitest';
import { resolveOnlyRule } from '../../../src/cli/chromium.ts';
import { EnvironmentError } from '../../../src/cli/environment-error.ts';
import { withHostAccess } from '../../../src/cli/host-access.ts';
import { browserTempDir, MAX_TEMP_PATH } from '../../../src/cli/temp-dir.ts';

describe('the command line grants the extension the relay it checks', () => {
  it('adds HTTPS and WSS access to the relay and the targets, keeping the build default', () => {
    const m = withHostAccess({ name: 'x', host_permissions: ['https://127.0.0.1/*', 'wss://127.0.0.1/*'] }, [
      'https://relay.voice.test',
      'https://relay.voice.test:8443/x',
      'https://[2001:db8::1]:443',
    ]);
    expect(m.host_permissions).toEqual([
      'https://127.0.0.1/*',
      'wss://127.0.0.1/*',
      'https://relay.voice.test/*',
      'wss://relay.voice.test/*',
      'https://[2001:db8::1]/*',
      'wss://[2001:db8::1]/*',
    ]);
    expect(m.name).toBe('x');
  });
});

describe('Chromium resolves only the names the check talks to', () => {
  it('maps every other name to "not found"', () => {
    expect(resolveOnlyRule(['Relay.Voice.Test', 'relay.voice.test', 'www.example.com'])).toBe(
      'MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE relay.voice.test, EXCLUDE www.example.com',
    );
  });
});

describe("a temporary folder short enough for Chromium's socket", () => {
  it('keeps a short TMPDIR and replaces a long one by /tmp', () => {
    expect(browserTempDir('/tmp/short')).toBe('/tmp/short');
    const long = `/tmp/${'x'.repeat(MAX_TEMP_PATH)}`;
    expect(browserTempDir(long)).toBe('/tmp');
  });

  it('names the socket path limit when no short folder can be used', () => {
    // MAX_TEMP_PATH leaves room for Chromium's folder and socket name inside 107 bytes.
    expect(MAX_TEMP_PATH + '/.org.chromium.Chromium.XXXXXX/SingletonSocket'.length).toBe(107);
    expect(() => browserTempDir(`/${'x'.repeat(200)}`, '/nonexistent-folder')).toThrow(EnvironmentError);
    expect(() => browserTempDir(`/${'x'.repeat(200)}`, '/nonexistent-folder')).toThrow(/107-byte limit/);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveOnlyRule } from '../../../src/cli/chromium.ts';
import { proxyHostsFromEnv } from '../../../src/cli/env-proxy.ts';
import { EnvironmentError } from '../../../src/cli/environment-error.ts';
import { withHostAccess } from '../../../src/cli/host-access.ts';
import { browserEnv, browserTempDir, MAX_TEMP_PATH } from '../../../src/cli/temp-dir.ts';

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

/**
 * What Chromium does with a host under `--host-resolver-rules` (net/base/host_mapping_rules.cc): a MAP rule
 * whose pattern matches rewrites the host unless an EXCLUDE pattern matches it; patterns are
 * base::MatchPattern's, where `*` is any run of characters and `?` zero or one character.
 */
function rewrittenBy(rule: string, host: string): string {
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.?')}$`,
    ).test(host);
  const parts = rule.split(', ').map((p) => p.split(' '));
  const excluded = parts.some(([kind, pattern]) => kind === 'EXCLUDE' && matches(pattern ?? ''));
  const map = parts.find(([kind, pattern]) => kind === 'MAP' && matches(pattern ?? ''));
  return map && !excluded ? (map[2] ?? host) : host;
}

describe('Chromium resolves only the names the check talks to', () => {
  const rule = resolveOnlyRule(['Relay.Voice.Test', 'relay.voice.test', 'www.example.com']);

  it('maps every other name to "not found"', () => {
    expect(rule).toBe(
      'MAP * ~NOTFOUND, EXCLUDE ???.???.???.???, EXCLUDE *:*, EXCLUDE localhost, EXCLUDE relay.voice.test, EXCLUDE www.example.com',
    );
    for (const name of [
      'update.googleapis.com',
      'accounts.google.com',
      'clients2.google.com',
      'example.org',
    ]) {
      expect(rewrittenBy(rule, name)).toBe('~NOTFOUND');
    }
    for (const name of ['relay.voice.test', 'localhost', 'www.example.com']) {
      expect(rewrittenBy(rule, name)).toBe(name);
    }
  });

  it("leaves address literals alone: ICE-TCP reaches the relay's media address through the resolver", () => {
    for (const address of ['203.0.113.10', '10.0.0.1', '255.255.255.255', '2001:db8::1', '::1']) {
      expect(rewrittenBy(rule, address)).toBe(address);
    }
    // Without the literal patterns the relay's media address was "not found" (the lab's SRTP-refused run).
    expect(rewrittenBy('MAP * ~NOTFOUND, EXCLUDE relay.voice.test', '203.0.113.10')).toBe('~NOTFOUND');
  });
});

describe("the environment's proxy is one of the names Chromium may resolve", () => {
  it('reads https_proxy, http_proxy and all_proxy, with or without a scheme, without repeats', () => {
    expect(
      proxyHostsFromEnv({
        https_proxy: 'http://192.168.77.1:3128',
        HTTP_PROXY: 'Proxy.Corp:8080',
        all_proxy: 'socks5://[2001:db8::3]:1080',
        http_proxy: 'http://192.168.77.1:3128/',
      }),
    ).toEqual(['192.168.77.1', 'proxy.corp', '2001:db8::3']);
  });

  it('nothing when no proxy is set, or the value is not a URL', () => {
    expect(proxyHostsFromEnv({})).toEqual([]);
    expect(proxyHostsFromEnv({ https_proxy: ' ', http_proxy: 'http://[bad' })).toEqual([]);
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

describe("the browsers' environment", () => {
  it("puts their temporary files and, without a session runtime folder (root, CI), their audio client folder in the run's own folder", () => {
    expect(browserEnv('/tmp', '/tmp/svc-chromium-x', { PATH: '/bin' })).toEqual({
      PATH: '/bin',
      TMPDIR: '/tmp',
      XDG_RUNTIME_DIR: '/tmp/svc-chromium-x',
    });
  });

  it("leaves a desktop session's runtime folder alone", () => {
    expect(
      browserEnv('/tmp/svc-x', '/tmp/svc-x', { XDG_RUNTIME_DIR: '/run/user/1000', TMPDIR: '/var/tmp' }),
    ).toEqual({
      TMPDIR: '/tmp/svc-x',
      XDG_RUNTIME_DIR: '/run/user/1000',
    });
  });
});

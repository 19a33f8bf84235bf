/** TLS versions as Node reports them ('TLSv1.2'); the provider requires 1.2 or later for web sessions. */
const TOO_OLD = new Set(['SSLv3', 'TLSv1', 'TLSv1.1']);

export function isTlsTooOld(protocol: string | null): boolean {
  return protocol === null || TOO_OLD.has(protocol);
}

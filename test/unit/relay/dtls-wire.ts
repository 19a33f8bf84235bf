/**
 * A werift DTLS server and client in-process, joined by in-memory wires a test can lose or inspect
 * datagrams on (dtls-record-numbers.test.ts, dtls-seen.test.ts).
 */
import { CipherContext, HashAlgorithm, NamedCurveAlgorithm, SignatureAlgorithm } from 'werift';

export interface Wire {
  type: string;
  address: { address: string; port: number };
  closed: boolean;
  onData: (data: Buffer) => void;
  send: (data: Buffer) => Promise<void>;
  close: () => Promise<void>;
}

/** A transport whose every sent datagram goes to `deliver` (a copy), until it is closed. */
export function wire(deliver: (data: Buffer) => void): Wire {
  const w: Wire = {
    type: 'memory',
    address: { address: '127.0.0.1', port: 0 },
    closed: false,
    onData: () => undefined,
    send: async (data) => {
      if (!w.closed) deliver(Buffer.from(data));
    },
    close: async () => {
      w.closed = true;
    },
  };
  return w;
}

/** The sockets a test made; closeSockets (in afterEach) closes them. */
export const sockets: Array<{ close(): void }> = [];
export function closeSockets(): void {
  for (const s of sockets.splice(0)) s.close();
}

const signatureHash = { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 };

/** A werift DTLS endpoint's options: its own certificate, both SRTP profiles, as the relay's transport has. */
export async function endpoint(transport: Wire) {
  const c = await CipherContext.createSelfSignedCertificateWithKey(
    signatureHash,
    NamedCurveAlgorithm.secp256r1_23,
  );
  return {
    cert: c.certPem,
    key: c.keyPem,
    signatureHash: c.signatureHash,
    transport: transport as never,
    srtpProfiles: [1, 7] as Array<1 | 7>,
    extendedMasterSecret: true,
  };
}

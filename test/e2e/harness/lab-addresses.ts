/**
 * The lab's IPv4 addresses (harness/lab.ts draws the picture). In a file of their own so that lab.ts and
 * lab-ipv6.ts, which import each other, can both read them while their modules are still being loaded.
 */
export const LAB = {
  lan: { cidr: '192.168.77.0/24', router: '192.168.77.1', client: '192.168.77.10' },
  wan: { cidr: '203.0.113.0/24', router: '203.0.113.1', provider: '203.0.113.10' },
  relayName: 'relay.voice.test',
} as const;

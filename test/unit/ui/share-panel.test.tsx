// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Report } from '../../../src/protocol/report.ts';
import type { ShareSettings } from '../../../src/share/shared-record.ts';
import type { ShareOutcome } from '../../../src/share/upload.ts';
import { SharePanel } from '../../../src/ui/components/share-panel.tsx';
import { report } from '../../fakes/report.ts';

const SETTINGS: ShareSettings = {
  relayUrl: 'https://relay.example:8443',
  includeFullAddresses: false,
  fullAddressesLocked: false,
};

const withAddress = (): Report => {
  const r = report();
  return {
    ...r,
    checks: r.checks.map((c) =>
      c.id === 'relay-https' ? { ...c, data: { ...c.data, clientAddress: '198.51.100.77' } } : c,
    ),
  };
};

const OK: ShareOutcome = {
  ok: true,
  response: {
    code: 'ABCD2345',
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    url: 'https://relay.example:8443/console/r/ABCD2345',
    expiresAt: '2026-12-21T12:00:00.000Z',
  },
};

function setup(outcomes: ShareOutcome[], settings: ShareSettings = SETTINGS) {
  const props = {
    report: withAddress(),
    loadSettings: vi.fn(async () => settings),
    send: vi.fn(async (_relayUrl: string, _body: string) => outcomes.shift() ?? OK),
    download: vi.fn((_body: string) => undefined),
    copyText: vi.fn(async (_text: string) => undefined),
  };
  render(<SharePanel {...props} />);
  return props;
}

const preview = () => document.querySelector('[data-field="share-preview"]')?.textContent ?? '';

afterEach(cleanup);

describe('share panel', () => {
  it('shows exactly what will be sent, redacted until the user includes full addresses, and sends that', async () => {
    const props = setup([]);
    expect(props.loadSettings).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Share with support' }));
    await screen.findByText('relay.example:8443');
    expect(preview()).toContain('"clientAddress": "198.51.100.x"');
    expect(preview()).toContain('"redaction": "default"');
    const box = screen.getByRole('checkbox', { name: 'Include full IP addresses' });
    fireEvent.click(box);
    await waitFor(() => expect(preview()).toContain('"clientAddress": "198.51.100.77"'));
    expect(preview()).toContain('"redaction": "full-addresses"');
    fireEvent.click(box);
    await waitFor(() => expect(preview()).toContain('"198.51.100.x"'));
    expect(props.send).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Send to support' }));
    const code = await screen.findByText('ABCD-2345');
    expect(code.className).toBe('share-code');
    expect(props.send).toHaveBeenCalledWith('https://relay.example:8443', expect.any(String));
    expect(props.send.mock.calls[0]?.[1]).toContain('"clientAddress": "198.51.100.x"');
    expect(document.querySelector('[data-field="share-link"]')?.textContent).toBe(
      'https://relay.example:8443/console/r/ABCD2345',
    );
    await waitFor(() => expect(document.activeElement?.getAttribute('data-field')).toBe('share-result'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    await waitFor(() => expect(props.copyText).toHaveBeenCalledWith('ABCD-2345'));
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(props.copyText).toHaveBeenCalledWith(OK.ok ? OK.response.url : ''));
  });

  it('keeps everything on a failed upload and offers Retry and Download of the previewed body', async () => {
    const props = setup([
      { ok: false, message: 'Could not reach the relay at relay.example:8443 (Failed to fetch).' },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Share with support' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Send to support' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(
      /^Could not reach the relay at relay\.example:8443 \(Failed to fetch\)\. Nothing was lost/,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(props.download).toHaveBeenCalledWith(preview());
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByText('ABCD-2345');
    // Retry reads the settings again, so a relay URL fixed meanwhile is used.
    expect(props.loadSettings).toHaveBeenCalledTimes(2);
    expect(props.send.mock.calls[1]?.[1]).toBe(props.send.mock.calls[0]?.[1]);
  });

  it('starts from the settings and leaves the choice alone when the administrator fixed it', async () => {
    setup([], { ...SETTINGS, includeFullAddresses: true, fullAddressesLocked: true });
    fireEvent.click(screen.getByRole('button', { name: 'Share with support' }));
    const box = (await screen.findByRole('checkbox', {
      name: 'Include full IP addresses',
    })) as HTMLInputElement;
    await waitFor(() => expect(box.checked).toBe(true));
    expect(box.disabled).toBe(true);
    expect(screen.getByText(/Your administrator set this/)).toBeTruthy();
    expect(preview()).toContain('"198.51.100.77"');
  });

  it('renders report strings as text, never markup', async () => {
    const r = withAddress();
    render(
      <SharePanel
        report={{ ...r, headline: '<img src=x onerror=alert(1)>' }}
        loadSettings={async () => SETTINGS}
        send={async () => OK}
        download={() => undefined}
        copyText={async () => undefined}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Share with support' }));
    await waitFor(() => expect(preview()).toContain('<img src=x onerror=alert(1)>'));
    expect(document.querySelector('img')).toBeNull();
  });
});

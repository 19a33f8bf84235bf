// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../../src/checks/types.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { setPageLanguage } from '../../../src/platform/i18n.ts';
import type { ProfileId } from '../../../src/profiles/index.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { type WebActions, WebCheckApp } from '../../../web/app.tsx';
import { report } from '../../fakes/report.ts';

afterEach(cleanup);

function actions(result: () => Promise<Report>) {
  return {
    relayUrl: 'https://relay.example:8443',
    runCheck: vi.fn(async (onResult: (r: CheckResult) => void, _profile: ProfileId) => {
      const r = await result();
      for (const c of r.checks) onResult(c);
      return r;
    }),
    share: vi.fn(async () => ({
      ok: true as const,
      response: {
        code: 'WXYZ2345',
        id: 'AAAAAAAAAAAAAAAAAAAAAA',
        url: 'https://relay.example:8443/console/r/WXYZ2345',
        expiresAt: '2026-12-21T12:00:00.000Z',
      },
    })),
    download: vi.fn(),
    copyText: vi.fn(async () => undefined),
  } satisfies WebActions;
}

describe('landing page web check', () => {
  it('runs on click, shows the verdict and rows, and shares to the page’s own relay', async () => {
    const web = report({ runId: 'web-1', browser: 'web page (Chrome 140)' });
    const a = actions(async () => web);
    render(<WebCheckApp actions={a} now={() => Date.parse(web.finishedAt)} />);
    expect(screen.getByText(/a web page is only told that it failed/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Run the check' }));
    await screen.findByRole('heading', { name: 'Ready' });
    expect(a.runCheck).toHaveBeenCalledTimes(1);
    expect(document.querySelector('[data-check-id="secure-media"]')?.getAttribute('data-status')).toBe(
      'pass',
    );
    expect(screen.getByRole('status').textContent).toBe('Check complete.');
    fireEvent.click(screen.getByRole('button', { name: 'Share with support' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Send to support' }));
    await screen.findByText('WXYZ-2345');
    expect(a.share).toHaveBeenCalledWith(
      'https://relay.example:8443',
      expect.stringContaining('"runId": "web-1"'),
    );
    expect(screen.getByRole('button', { name: 'Run the check again' })).toBeTruthy();
  });

  it("checks the ports of the profile the user picks, the desk phones' unless they pick another", async () => {
    const a = actions(async () => report());
    render(<WebCheckApp actions={a} />);
    const picker = screen.getByLabelText('Check the ports for') as HTMLSelectElement;
    expect(picker.value).toBe('desk-phone');
    expect([...picker.options].map((o) => o.text)).toEqual([
      'Desk phone',
      'Mobile app',
      'Desktop app',
      'Meetings',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Run the check' }));
    await screen.findByRole('heading', { name: 'Ready' });
    expect(a.runCheck).toHaveBeenLastCalledWith(expect.any(Function), 'desk-phone');
    fireEvent.change(picker, { target: { value: 'mobile-app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run the check again' }));
    await waitFor(() => expect(a.runCheck).toHaveBeenCalledTimes(2));
    expect(a.runCheck).toHaveBeenLastCalledWith(expect.any(Function), 'mobile-app');
  });

  it('says so when the browser cannot run the check', async () => {
    const a = actions(async () => report());
    // A browser without WebRTC fails inside the click, before any promise exists.
    a.runCheck.mockImplementation(() => {
      throw new ReferenceError('RTCPeerConnection is not defined');
    });
    render(<WebCheckApp actions={a} />);
    fireEvent.click(screen.getByRole('button', { name: 'Run the check' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'The check could not run in this browser: RTCPeerConnection is not defined',
      ),
    );
    expect((screen.getByRole('button', { name: 'Run the check' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('landing page web check in German', () => {
  afterEach(() => setPageLanguage(null));

  it('speaks the language the relay wrote the page in: its own words and the shared components', async () => {
    setPageLanguage(LANGUAGES.de);
    const web = report({ runId: 'web-de', browser: 'web page (Chrome 140)' });
    render(<WebCheckApp actions={actions(async () => web)} now={() => Date.parse(web.finishedAt)} />);
    expect(screen.getByRole('heading', { name: 'Was die Web-Prüfung auslässt' })).toBeTruthy();
    expect(screen.getByText(/erfährt eine Webseite nur, dass sie scheiterte/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Prüfung starten' }));
    await screen.findByRole('heading', { name: 'Bereit' });
    expect(screen.getByRole('status').textContent).toBe('Prüfung abgeschlossen.');
    expect(screen.getByRole('button', { name: 'Erneut prüfen' })).toBeTruthy();
    expect(document.body.textContent).not.toMatch(
      /Run the check|What the web check leaves out|Check complete/,
    );
  });
});

// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExtensionActions } from '../../../src/ui/actions.ts';
import { RelayAccessNote } from '../../../src/ui/components/relay-access-note.tsx';

function actions(access: boolean, grant: boolean) {
  return {
    getState: vi.fn(),
    runCheck: vi.fn(),
    subscribe: () => () => undefined,
    openPage: vi.fn(),
    getConfirmations: vi.fn(),
    hasAccess: vi.fn(async () => access),
    requestAccess: vi.fn(async () => grant),
    subscribeAccess: () => () => undefined,
  } satisfies ExtensionActions;
}

afterEach(cleanup);

describe('the popup says when causes cannot be named', () => {
  it('without access to the relay: says so, and one click asks for it; granted, the note goes', async () => {
    const a = actions(false, true);
    render(<RelayAccessNote relayUrl="https://relay.example.com:8443" actions={a} />);
    const note = await screen.findByText(
      /Causes of failures cannot be named: the extension has no access to relay\.example\.com/,
    );
    expect(note).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Grant access' }));
    expect(a.requestAccess).toHaveBeenCalledWith('https://relay.example.com:8443');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Grant access' })).toBeNull());
  });

  it('with access: says nothing', async () => {
    const a = actions(true, true);
    render(<RelayAccessNote relayUrl="https://relay.example.com" actions={a} />);
    await waitFor(() => expect(a.hasAccess).toHaveBeenCalled());
    expect(screen.queryByRole('button', { name: 'Grant access' })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { expose, wrap } from 'comlink';
import './comlink-setup.ts';
import { ExportError } from '../model/errors.ts';

/** A real Comlink round trip over a MessageChannel, as between the page and the export worker. */
function connect<T>(api: T) {
  const { port1, port2 } = new MessageChannel();
  expose(api, port1 as unknown as Parameters<typeof expose>[1]);
  return { remote: wrap<T>(port2 as unknown as Parameters<typeof wrap>[0]), close: () => { port1.close(); port2.close(); } };
}

describe('comlink throw handler', () => {
  it('keeps an ExportError code, retryable flag and cause across the boundary', async () => {
    const { remote, close } = connect({
      fail(): void {
        throw new ExportError('QUOTA_EXCEEDED', 'the destination is full: 12 MB needed', { retryable: true, cause: new Error('disk') });
      },
    });
    const error = await remote.fail().catch((e: unknown) => e);
    close();
    expect(error).toBeInstanceOf(ExportError);
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', retryable: true, message: 'the destination is full: 12 MB needed', cause: 'Error: disk' });
  });

  it('keeps an AbortError recognisable as cancellation', async () => {
    const { remote, close } = connect({
      fail(): void {
        const controller = new AbortController();
        controller.abort();
        controller.signal.throwIfAborted();
      },
    });
    const error = await remote.fail().catch((e: unknown) => e);
    close();
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('passes a thrown non-error value through unchanged', async () => {
    const { remote, close } = connect({ fail(): void { throw { reason: 'plain' }; } });
    const error = await remote.fail().catch((e: unknown) => e);
    close();
    expect(error).toEqual({ reason: 'plain' });
  });
});

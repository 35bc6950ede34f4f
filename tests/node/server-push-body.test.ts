// Push endpoints only on the browsers' push services over https (issue 19 item 2, the SSRF).
import { describe, expect, it } from 'vitest';
import { parsePushSubscription } from '../../src/server/push-body.ts';

const keys = { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'), auth: Buffer.alloc(16, 2).toString('base64url') };

describe('parsePushSubscription', () => {
  it('accepts FCM, Mozilla, Apple and Windows endpoints', () => {
    for (const e of ['https://fcm.googleapis.com/fcm/send/x', 'https://updates.push.services.mozilla.com/wpush/v2/x', 'https://web.push.apple.com/x', 'https://wns2-par02p.notify.windows.com/w/?token=x']) {
      expect(parsePushSubscription({ endpoint: e, keys }).endpoint).toBe(e);
    }
  });
  it('refuses private, metadata, loopback, credentials, ports and http', () => {
    for (const e of ['https://10.0.0.1/x', 'https://169.254.169.254/latest', 'http://127.0.0.1:9/x', 'https://u:p@fcm.googleapis.com/x', 'https://fcm.googleapis.com:8443/x', 'http://fcm.googleapis.com/x', 'https://evil.com/fcm.googleapis.com']) {
      expect(() => parsePushSubscription({ endpoint: e, keys }), e).toThrow();
    }
  });
  it('takes http on a loopback host only with the test switch', () => {
    expect(() => parsePushSubscription({ endpoint: 'http://127.0.0.1:9/x', keys })).toThrow(/https/);
    expect(parsePushSubscription({ endpoint: 'http://127.0.0.1:9/x', keys }, true).endpoint).toBe('http://127.0.0.1:9/x');
    expect(() => parsePushSubscription({ endpoint: 'http://10.0.0.1:9/x', keys }, true)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { DemoInboxProvider, ScriptedSmsProvider, SmsSendError } from './sms.ts';

describe('SMS providers', () => {
  it('the demo inbox accepts an E.164 number and names the message', async () => {
    await expect(new DemoInboxProvider().send({ to: '+821012345678', text: 'hi', messageId: 'msg_1' })).resolves.toEqual({ providerMessageId: 'demo:msg_1' });
  });

  it('the demo inbox refuses what a gateway would, as permanent errors', async () => {
    const provider = new DemoInboxProvider();
    for (const request of [
      { to: '01012345678', text: 'hi', messageId: 'm' },
      { to: '+821012345678', text: '  ', messageId: 'm' },
      { to: '+821012345678', text: '가'.repeat(2001), messageId: 'm' },
    ]) {
      const error = await provider.send(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmsSendError);
      expect((error as SmsSendError).retryable).toBe(false);
    }
  });

  it('the scripted provider follows its script, then its default, and records each call', async () => {
    const provider = new ScriptedSmsProvider({ script: ['retryable', 'permanent'], then: 'ok' });
    const request = { to: '+821012345678', text: 'hi', messageId: 'msg_x' };
    await expect(provider.send(request)).rejects.toMatchObject({ retryable: true });
    await expect(provider.send(request)).rejects.toMatchObject({ retryable: false });
    await expect(provider.send(request)).resolves.toEqual({ providerMessageId: 'demo:msg_x' });
    expect(provider.calls.map((c) => c.outcome)).toEqual(['retryable', 'permanent', 'ok']);
  });
});

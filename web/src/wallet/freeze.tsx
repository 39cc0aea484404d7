// "Freeze my account": at once, with no code, because whoever needs it may be in a hurry.
// Lifting a self-freeze takes the PIN and an SMS code; a staff freeze only staff can lift.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { CodeInput, PinInput } from '../components/code-field.tsx';
import { DemoOtpHint } from '../components/otp-hint.tsx';
import { DateTime, ErrorNotice, Notice, Page, Submit } from '../components/ui.tsx';
import { Link } from '../lib/router.tsx';
import { identityProof, useStepUp } from '../lib/step-up.ts';
import { useAction } from '../lib/use-api.ts';
import { useMe } from './me.tsx';

export function FreezePage() {
  const { t } = useTranslation();
  const { me, token, reloadMe } = useMe();
  const [confirming, setConfirming] = useState(false);
  const [pin, setPin] = useState('');
  const freeze = useAction(async () => {
    await api<User>('/v1/me/freeze', { method: 'POST', token, body: {} });
    setConfirming(false);
    reloadMe();
  });
  const unfreeze = useStepUp(async (proof) => {
    await api<User>('/v1/me/unfreeze', { method: 'POST', token, body: { pin, ...identityProof(proof) } });
    setPin('');
    reloadMe();
  });
  if (!me) return null;
  return (
    <Page title={t('wallet.freeze.title')}>
      {!me.frozen ? (
        <div className="card">
          <p>{t('wallet.freeze.explain')}</p>
          {!confirming ? (
            <button type="button" className="button danger wide" onClick={() => setConfirming(true)}>
              {t('wallet.freeze.freezeNow')}
            </button>
          ) : (
            <div className="confirm" role="group" aria-label={t('wallet.freeze.confirmLabel')}>
              <p>
                <strong>{t('wallet.freeze.sure')}</strong>
              </p>
              <ErrorNotice error={freeze.error} />
              <div className="button-row">
                <button type="button" className="button danger" disabled={freeze.busy} onClick={() => void freeze.act()}>
                  {freeze.busy ? t('common.working') : t('wallet.freeze.yesFreeze')}
                </button>
                <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
                  {t('common.cancel')}
                </button>
              </div>
            </div>
          )}
        </div>
      ) : me.frozen.by === 'self' ? (
        <div className="card">
          <Notice kind="warning">
            {t('wallet.freeze.frozenSince')} <DateTime iso={me.frozen.at} />
          </Notice>
          <h2>{t('wallet.freeze.unfreeze')}</h2>
          <form
            className="form"
            onSubmit={(event) => {
              event.preventDefault();
              void unfreeze.act();
            }}
          >
            <PinInput label={t('wallet.auth.pin')} value={pin} onChange={setPin} />
            {unfreeze.challengeId ? (
              <>
                <Notice kind="info" live>
                  {t('wallet.stepUp.sent')}
                </Notice>
                <CodeInput value={unfreeze.code} onChange={unfreeze.setCode} />
                <DemoOtpHint phone={me.phone} />
              </>
            ) : null}
            <ErrorNotice error={unfreeze.error} />
            <Submit busy={unfreeze.busy}>{unfreeze.challengeId ? t('wallet.auth.confirm') : t('wallet.freeze.unfreeze')}</Submit>
          </form>
        </div>
      ) : (
        <div className="card">
          <Notice kind="warning">
            {t('wallet.freeze.byStaff')} {me.frozen.reason ? `(${me.frozen.reason})` : null}
          </Notice>
          <p>
            <Link to="/wallet/help">{t('wallet.freeze.contact')}</Link>
          </p>
        </div>
      )}
    </Page>
  );
}

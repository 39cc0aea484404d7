// A feature phone in the browser: dial *123# and talk to POST /ussd exactly as a USSD gateway
// would (Africa's Talking form protocol: sessionId, serviceCode, phoneNumber, networkCode, text;
// answers "CON …" to keep the session open or "END …" to close it).
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NetworkError } from '../api/client.ts';
import { LangSwitch, Page, SelectField, TextField } from '../components/ui.tsx';
import { Link } from '../lib/router.tsx';
import { parseDial } from './dial.ts';

const NETWORKS = [
  { code: '45005', label: 'SKT' },
  { code: '45008', label: 'KT' },
  { code: '45006', label: 'LG U+' },
];

/**
 * The simulator is a gateway, so it must send the gateway's shared secret. The field starts with
 * the demo secret, which is public (it is in the source): it only works on a server that still
 * uses it, and a production server refuses to start with it.
 */
const DEMO_GATEWAY_SECRET = 'demo-ussd-gateway-secret-change-me';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

type Screen =
  | { kind: 'idle' }
  | { kind: 'waiting' }
  | { kind: 'menu'; text: string }
  | { kind: 'ended'; text: string }
  | { kind: 'error'; text: string };

interface Session {
  id: string;
  serviceCode: string;
  /** Every answer so far, joined with "*" as the gateway sends it. */
  text: string;
}

interface Gateway {
  phoneNumber: string;
  networkCode: string;
  secret: string;
}

async function gateway(session: Session, { phoneNumber, networkCode, secret }: Gateway): Promise<string> {
  const body = new URLSearchParams({ sessionId: session.id, serviceCode: session.serviceCode, phoneNumber, networkCode, text: session.text });
  let response: Response;
  try {
    response = await fetch('/ussd', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/plain', 'x-ussd-gateway-secret': secret }, body });
  } catch (error) {
    throw new NetworkError(error);
  }
  const text = await response.text();
  if (!response.ok) {
    try {
      const parsed = JSON.parse(text) as { error?: { code: string; message: string; type: string } };
      if (parsed.error) throw new ApiError(response.status, parsed.error);
    } catch (error) {
      if (error instanceof ApiError) throw error;
    }
    throw new ApiError(response.status, { type: 'api_error', code: `http_${response.status}`, message: text.slice(0, 200) || response.statusText });
  }
  return text;
}

export function UssdSimulator() {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('+821012345678');
  const [network, setNetwork] = useState(NETWORKS[0]!.code);
  const [secret, setSecret] = useState(DEMO_GATEWAY_SECRET);
  const [input, setInput] = useState('');
  const [screen, setScreen] = useState<Screen>({ kind: 'idle' });
  const session = useRef<Session | null>(null);
  const field = useRef<HTMLInputElement>(null);

  const exchange = async (next: Session) => {
    session.current = next;
    setScreen({ kind: 'waiting' });
    try {
      const answer = await gateway(next, { phoneNumber: phone, networkCode: network, secret });
      if (answer.startsWith('CON ')) setScreen({ kind: 'menu', text: answer.slice(4) });
      else if (answer.startsWith('END ')) {
        session.current = null;
        setScreen({ kind: 'ended', text: answer.slice(4) });
      } else {
        session.current = null;
        setScreen({ kind: 'error', text: t('ussd.badAnswer', { answer: answer.slice(0, 80) }) });
      }
    } catch (error) {
      session.current = null;
      const detail = error instanceof ApiError ? error.message : error instanceof NetworkError ? t('errors.network') : t('errors.unexpected');
      setScreen({ kind: 'error', text: `${t('ussd.connectionProblem')}\n${detail}` });
    }
    setInput('');
    field.current?.focus();
  };

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    if (screen.kind === 'waiting') return;
    if (screen.kind === 'menu' && session.current) {
      if (!input) return;
      const previous = session.current.text;
      void exchange({ ...session.current, text: previous ? `${previous}*${input}` : input });
      return;
    }
    const dial = parseDial(input);
    if (!dial) {
      setScreen({ kind: 'error', text: t('ussd.invalidCode') });
      return;
    }
    void exchange({ id: `sim-${crypto.randomUUID()}`, serviceCode: dial.serviceCode, text: dial.text });
  };

  const hangUp = () => {
    session.current = null;
    setInput('');
    setScreen({ kind: 'idle' });
    field.current?.focus();
  };

  const press = (key: string) => {
    if (screen.kind === 'ended' || screen.kind === 'error') setScreen({ kind: 'idle' });
    setInput((value) => (value + key).slice(0, 40));
    field.current?.focus();
  };

  const inMenu = screen.kind === 'menu';
  return (
    <div className="ussd-page">
      <a className="skip-link" href="#main">
        {t('common.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          smallchange <span className="brand-sub">{t('ussd.name')}</span>
        </Link>
        <LangSwitch />
      </header>
      <main id="main">
        <Page title={t('ussd.title')}>
          <p className="muted">{t('ussd.intro')}</p>
          <div className="ussd-layout">
            <div className="ussd-settings card">
              <TextField label={t('ussd.phone')} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} hint={t('ussd.phoneHint')} />
              <SelectField label={t('ussd.network')} value={network} onChange={(e) => setNetwork(e.target.value)} options={NETWORKS.map((n) => ({ value: n.code, label: `${n.label} (${n.code})` }))} />
              <TextField label={t('ussd.secret')} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} hint={t('ussd.secretHint')} />
            </div>
            <form className="phone" onSubmit={send} aria-label={t('ussd.phoneLabel')}>
              <div className="phone-screen" aria-live="polite" aria-atomic="true" data-testid="ussd-screen">
                {screen.kind === 'idle' ? <p className="phone-idle">{t('ussd.idle')}</p> : null}
                {screen.kind === 'waiting' ? <p className="phone-idle">{t('ussd.running')}</p> : null}
                {screen.kind === 'menu' || screen.kind === 'ended' || screen.kind === 'error' ? <p className="phone-text">{screen.text}</p> : null}
                {screen.kind === 'ended' ? <p className="phone-idle small">{t('ussd.ended')}</p> : null}
              </div>
              <label htmlFor="ussd-input" className="visually-hidden">
                {inMenu ? t('ussd.reply') : t('ussd.dial')}
              </label>
              <input
                id="ussd-input"
                ref={field}
                className="phone-input"
                value={input}
                inputMode="tel"
                autoComplete="off"
                placeholder={inMenu ? t('ussd.replyPlaceholder') : '*123#'}
                onChange={(e) => setInput(e.target.value.replace(/[^0-9*#]/g, '').slice(0, 40))}
              />
              <div className="keypad">
                {KEYS.map((key) => (
                  <button key={key} type="button" className="key" onClick={() => press(key)} aria-label={t('ussd.key', { key })}>
                    {key}
                  </button>
                ))}
              </div>
              <div className="phone-actions">
                <button type="submit" className="key call" disabled={screen.kind === 'waiting'}>
                  {inMenu ? t('ussd.send') : t('ussd.call')}
                </button>
                <button type="button" className="key" onClick={() => setInput((v) => v.slice(0, -1))} aria-label={t('ussd.delete')}>
                  ⌫
                </button>
                <button type="button" className="key end" onClick={hangUp}>
                  {t('ussd.end')}
                </button>
              </div>
            </form>
          </div>
        </Page>
      </main>
    </div>
  );
}

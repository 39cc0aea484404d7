// Which face answers a path. Each face owns its prefix.
import { useTranslation } from 'react-i18next';
import { AgentApp } from './agent/portal.tsx';
import { ConsoleApp } from './console/shell.tsx';
import { Landing } from './landing.tsx';
import { useLocation } from './lib/router.tsx';
import { NotFoundPage } from './not-found.tsx';
import { UssdSimulator } from './ussd/simulator.tsx';
import { WalletApp } from './wallet/shell.tsx';

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export function App() {
  const { path } = useLocation();
  // Re-render every face when the language changes.
  useTranslation();
  if (path === '/') return <Landing />;
  if (under(path, '/wallet')) return <WalletApp path={path} />;
  if (under(path, '/console')) return <ConsoleApp path={path} />;
  if (under(path, '/agent')) return <AgentApp path={path} />;
  if (path === '/ussd-simulator') return <UssdSimulator />;
  return (
    <main id="main">
      <NotFoundPage />
    </main>
  );
}

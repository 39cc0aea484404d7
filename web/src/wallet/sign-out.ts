import { api } from '../api/client.ts';
import { navigate } from '../lib/router.tsx';
import { userSession } from '../lib/session.ts';

export function signOut(token: string): void {
  // Sign out here whatever the server answers: the person asked to leave.
  void api('/v1/sessions/current', { method: 'DELETE', token }).catch(() => undefined);
  userSession.set(null);
  navigate('/wallet/login', { replace: true });
}

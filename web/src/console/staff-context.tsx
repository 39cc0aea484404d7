import { createContext, useContext } from 'react';
import type { StaffSession } from '../lib/session.ts';

export const StaffContext = createContext<StaffSession | null>(null);

export function useStaff(): StaffSession & { can: (permission: string) => boolean } {
  const session = useContext(StaffContext);
  if (!session) throw new Error('useStaff outside the signed-in console');
  return { ...session, can: (permission: string) => session.permissions.includes(permission) };
}

// The signed-in person's account, read once per screen change and shared by the wallet's pages.
import { createContext, useContext } from 'react';
import type { User } from '../api/types.ts';

export interface MeState {
  me: User | null;
  token: string;
  reloadMe: () => void;
}

export const MeContext = createContext<MeState | null>(null);

export function useMe(): MeState {
  const state = useContext(MeContext);
  if (!state) throw new Error('useMe outside the signed-in wallet');
  return state;
}

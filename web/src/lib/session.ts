// Who is signed in, per face. Tokens live in sessionStorage: they end with the tab, and another
// site's script cannot reach them. The device id lives in localStorage: it is what lets this
// browser sign in later without an SMS code, as the API's device window allows.
import { useSyncExternalStore } from 'react';
import { onUnauthorized } from '../api/client.ts';

export interface UserSession {
  token: string;
  userId: string;
  phone: string | null;
}

export interface StaffSession {
  token: string;
  staffId: string;
  name: string;
  email: string;
  role: string;
  permissions: string[];
}

const DEVICE_KEY = 'smallchange.device';

export function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id || !/^[A-Za-z0-9._:-]{8,128}$/.test(id)) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

export function deviceLabel(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent) ? 'Edge' : /Chrom(e|ium)\//.test(agent) ? 'Chrome' : /Firefox\//.test(agent) ? 'Firefox' : /Safari\//.test(agent) ? 'Safari' : 'Browser';
  const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Windows/.test(agent) ? 'Windows' : /Mac OS/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : '';
  return `${browser}${system ? ` on ${system}` : ''} (web)`;
}

interface Store<T> {
  get(): T | null;
  set(value: T | null): void;
  use(): T | null;
}

function storeOf<T>(key: string): Store<T> {
  const listeners = new Set<() => void>();
  let cached: T | null = null;
  let loaded = false;
  const get = (): T | null => {
    if (!loaded) {
      loaded = true;
      try {
        const text = sessionStorage.getItem(key);
        cached = text ? (JSON.parse(text) as T) : null;
      } catch {
        cached = null;
      }
    }
    return cached;
  };
  const set = (value: T | null) => {
    cached = value;
    loaded = true;
    if (value) sessionStorage.setItem(key, JSON.stringify(value));
    else sessionStorage.removeItem(key);
    for (const listener of listeners) listener();
  };
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return { get, set, use: () => useSyncExternalStore(subscribe, get) };
}

export const userSession = storeOf<UserSession>('smallchange.user');
export const staffSession = storeOf<StaffSession>('smallchange.staff');

// A token the server no longer accepts signs its face out; the login screen then says why.
export const expiredNotice = { user: false, staff: false };
onUnauthorized((token) => {
  if (userSession.get()?.token === token) {
    expiredNotice.user = true;
    userSession.set(null);
  }
  if (staffSession.get()?.token === token) {
    expiredNotice.staff = true;
    staffSession.set(null);
  }
});

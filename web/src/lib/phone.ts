// How people write Korean numbers: +821012345678 → 010-1234-5678. Anything else is shown as given.
export function formatPhone(phone: string | null | undefined): string {
  if (!phone) return '—';
  const match = /^\+82(1[016789])(\d{3,4})(\d{4})$/.exec(phone);
  return match ? `0${match[1]}-${match[2]}-${match[3]}` : phone;
}

/** "Chrome on Linux" from a user agent, for lists of sign-ins; the raw string is kept as a title. */
export function describeUserAgent(agent: string | null): string | null {
  if (!agent) return null;
  const browser = /Edg\//.test(agent) ? 'Edge' : /SamsungBrowser\//.test(agent) ? 'Samsung Internet' : /Chrom(e|ium)\//.test(agent) ? 'Chrome' : /Firefox\//.test(agent) ? 'Firefox' : /Safari\//.test(agent) ? 'Safari' : null;
  const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Windows/.test(agent) ? 'Windows' : /Mac OS/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : null;
  if (!browser) return agent.length > 40 ? `${agent.slice(0, 40)}…` : agent;
  return system ? `${browser} · ${system}` : browser;
}

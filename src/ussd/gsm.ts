// How long a screen is on the air. A USSD message carries 160 octets: 182 characters of the GSM
// 7-bit default alphabet (3GPP TS 23.038), or 80 UCS-2 characters as soon as one character is
// outside that alphabet (Korean always is). The extension table's characters cost two septets
// (an escape, then the character). UCS-2 has no room for characters beyond the Basic
// Multilingual Plane; a handset sends them as UTF-16 surrogate pairs, so each costs two units.

/** The GSM 03.38 default alphabet, in code order (0x1B, the escape, is left out: it is no character). */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Reached through the escape: two septets each. */
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

/** Octets in one USSD message (3GPP TS 23.038 / 24.090: a 160-octet USSD string). */
export const USSD_OCTETS_MAX = 160;
/** 160 octets of packed 7-bit septets. */
export const GSM7_SEPTETS_MAX = Math.floor((USSD_OCTETS_MAX * 8) / 7);
/** 160 octets of 16-bit units. */
export const UCS2_UNITS_MAX = USSD_OCTETS_MAX / 2;

export type UssdEncoding = 'gsm7' | 'ucs2';

export interface UssdLength {
  encoding: UssdEncoding;
  /** Septets (gsm7) or 16-bit units (ucs2). */
  units: number;
  /** 182 or 80. */
  limit: number;
  fits: boolean;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

export function ussdLength(text: string): UssdLength {
  if (isGsm7(text)) {
    let units = 0;
    for (const ch of text) units += EXTENSION.has(ch) ? 2 : 1;
    return { encoding: 'gsm7', units, limit: GSM7_SEPTETS_MAX, fits: units <= GSM7_SEPTETS_MAX };
  }
  // String length counts UTF-16 code units: one per BMP character, two per astral one.
  const units = text.length;
  return { encoding: 'ucs2', units, limit: UCS2_UNITS_MAX, fits: units <= UCS2_UNITS_MAX };
}

export function fitsOneMessage(text: string): boolean {
  return ussdLength(text).fits;
}

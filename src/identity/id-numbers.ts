// ID document numbers: format rules per document type, and the masked form that is all anyone
// sees after entry. Resident and alien registration numbers start with the birth date (YYMMDD)
// and a digit that gives the century; the old check digit is not checked (numbers issued since
// October 2020 do not have one).
import { DomainError } from '../shared/errors.ts';
import type { IdDocumentType } from './tables.ts';

export const ID_DOCUMENT_TYPES = ['resident_registration', 'driver_license', 'passport', 'alien_registration'] as const satisfies readonly IdDocumentType[];

const CENTURY: Record<IdDocumentType, Record<string, number>> = {
  resident_registration: { '9': 1800, '0': 1800, '1': 1900, '2': 1900, '3': 2000, '4': 2000 },
  alien_registration: { '5': 1900, '6': 1900, '7': 2000, '8': 2000 },
  driver_license: {},
  passport: {},
};

function realDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export interface NormalizedIdNumber {
  number: string;
  masked: string;
  /** YYYY-MM-DD carried by registration numbers. */
  birthDate: string | null;
}

export function normalizeIdNumber(type: IdDocumentType, input: string): NormalizedIdNumber {
  const invalid = () => new DomainError('invalid_id_number', { param: 'number' });
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  switch (type) {
    case 'resident_registration':
    case 'alien_registration': {
      if (!/^\d{13}$/.test(compact)) throw invalid();
      const century = CENTURY[type][compact[6]!];
      if (century === undefined) throw invalid();
      const year = century + Number.parseInt(compact.slice(0, 2), 10);
      const month = Number.parseInt(compact.slice(2, 4), 10);
      const day = Number.parseInt(compact.slice(4, 6), 10);
      if (!realDate(year, month, day)) throw invalid();
      return {
        number: compact,
        masked: `${compact.slice(0, 6)}-${compact[6]}******`,
        birthDate: `${year}-${compact.slice(2, 4)}-${compact.slice(4, 6)}`,
      };
    }
    case 'driver_license': {
      if (!/^\d{12}$/.test(compact)) throw invalid();
      const region = Number.parseInt(compact.slice(0, 2), 10);
      if (region < 11 || region > 28) throw invalid();
      return { number: compact, masked: `${compact.slice(0, 2)}-**-******-${compact.slice(10)}`, birthDate: null };
    }
    case 'passport': {
      if (!/^[A-Z]{1,2}\d{7,8}$/.test(compact) || compact.length !== 9) throw invalid();
      return { number: compact, masked: `${compact[0]}${'*'.repeat(7)}${compact[8]}`, birthDate: null };
    }
  }
}

// The policy in force (public): tier names, fees, limits and the rights text the wallet shows.
import type { PolicyResponse } from '../api/types.ts';
import { useApi } from './use-api.ts';

export function usePolicy() {
  return useApi<PolicyResponse>('/v1/policy');
}

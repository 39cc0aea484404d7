// An external service (carrier identity check, bank) did not answer: the caller maps it to a 503
// with its own code; the person can try again.
export class AdapterUnavailableError extends Error {
  constructor(readonly service: string, message = `${service} is unavailable`) {
    super(message);
    this.name = 'AdapterUnavailableError';
  }
}

/** A small seeded generator so that a simulator's "random" failures repeat run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

/** Names compare without case, spacing or Unicode-form differences ("홍 길동" = "홍길동"). */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, '').toLowerCase();
  return norm(a) === norm(b);
}

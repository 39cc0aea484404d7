// What the agent sees of the person collecting cash: enough to ask "are you 김*늘?", not their
// full legal name. Per character (code point), so Hangul and Latin names mask alike.

/** "김하늘" → "김*늘", "김하" → "김*", "Minjun Kim" → "M********m", "" → "". */
export function maskPersonName(name: string): string {
  const chars = Array.from(name.normalize('NFC').trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

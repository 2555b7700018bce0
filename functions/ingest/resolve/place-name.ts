/**
 * Keys for comparing place names as sources spell them: upper case, no accents, "SAINT" → "ST",
 * and no spaces or punctuation at all, so that "De Kalb" = "DeKalb", "Prince George's" =
 * "PRINCE GEORGES" and "Miami-Dade" = "MIAMI DADE".
 */
export function placeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\bSAINTE\b/g, 'STE')
    .replace(/\bSAINT\b/g, 'ST')
    .replace(/\bFT\b\.?/g, 'FORT')
    .replace(/\bMT\b\.?/g, 'MOUNT')
    .replace(/[^A-Z0-9]/g, '');
}

/** A facility name as the source wrote it, trimmed with whitespace collapsed (the contract's form). */
export function cleanName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** A rendered message, independent of MIME: the notify step turns it into raw MIME for SES. */
export interface ComposedEmail {
  /** One line, no CR/LF. */
  subject: string;
  html: string;
  text: string;
  /** Extra headers (List-Unsubscribe, ...); values are one line. */
  headers: Record<string, string>;
}

/**
 * Text for a header: every run of whitespace (CR and LF included) becomes one space and other
 * control characters are dropped, so a name from the data cannot start a header of its own.
 */
export function headerText(value: string, maxLength = 250): string {
  const oneLine = value
    .replace(/[\s\u0085\u2028\u2029]+/g, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips from a mail header
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1).trimEnd()}…` : oneLine;
}

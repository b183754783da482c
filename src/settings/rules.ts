/**
 * The value rules of single settings that are more than a range or a list of
 * choices: each returns null when the value is fine, or the message the
 * settings window shows next to the field (and the file reading reports).
 */

/** A Discord application id: a snowflake of 17 to 20 digits. */
export const CLIENT_ID_RE = /^\d{17,20}$/;

export function clientIdProblem(value: string): string | null {
  const id = value.trim();
  return id === '' || CLIENT_ID_RE.test(id)
    ? null
    : 'A Discord application id is 17 to 20 digits (Developer Portal → your app → Application ID).';
}

export function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** An image is an asset key of the user's Discord application, or an https link; empty shows none. */
export function imageKeyProblem(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  if (/^https?:\/\//i.test(v)) return isHttpsUrl(v) ? null : 'Image links must be https://.';
  if (v.length > 256) return 'At most 256 characters.';
  return /^[a-z0-9_.-]+$/i.test(v) ? null : 'An asset key uses letters, digits, - _ and . only.';
}

/** Discord shows a button label of 1 to 32 characters (graphemes, after trimming). */
export function buttonLabelProblem(label: string): string | null {
  const length = [...new Intl.Segmenter().segment(label.trim())].length;
  return length >= 1 && length <= 32 ? null : 'A label of 1 to 32 characters.';
}

export function buttonUrlProblem(url: string): string | null {
  return isHttpsUrl(url) ? null : 'An https:// link.';
}

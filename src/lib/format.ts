// Display formatting for sizes and times. Pure: every input, including "now", is an argument.

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;
const BYTE_BASE = 1024;

/**
 * Human-readable size with binary multiples labelled the way most people read them (1 KB = 1024 B):
 * whole bytes below 1 KB (`"512 B"`), one decimal below 100 of a unit (`"12.4 KB"`, `"1.0 MB"`) and
 * none from 100 up (`"512 KB"`). A value that would round up to 1024 of a unit moves to the next unit
 * (`"1.0 MB"`, never `"1024 KB"`). Negative sizes (e.g. a diff) keep their sign.
 *
 * @throws RangeError when `bytes` is NaN or infinite: that is a bug in the caller, not a size.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) throw new RangeError(`formatBytes: not a finite number: ${bytes}`);
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  if (Math.round(abs) < BYTE_BASE) return `${sign}${Math.round(abs)} B`;

  let unit = 0;
  let value = abs;
  while (unit < BYTE_UNITS.length - 1) {
    value /= BYTE_BASE;
    unit += 1;
    // Round first so that 1023.96 KB is shown as "1.0 MB" and not as "1024 KB".
    if (roundForDisplay(value) < BYTE_BASE || unit === BYTE_UNITS.length - 1) break;
  }
  const rounded = roundForDisplay(value);
  const text = rounded < 100 ? rounded.toFixed(1) : String(rounded);
  return `${sign}${text} ${BYTE_UNITS[unit] ?? 'B'}`;
}

function roundForDisplay(value: number): number {
  const oneDecimal = Math.round(value * 10) / 10;
  return oneDecimal < 100 ? oneDecimal : Math.round(value);
}

/**
 * Size in bytes of `value` serialised as compact JSON and encoded as UTF-8, which is how it travels
 * over the wire (and roughly what the homeserver's 64 KiB event-size limit measures). Values that
 * JSON cannot represent (`undefined`, functions) count as 0.
 */
export function jsonByteSize(value: unknown): number {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? 0 : utf8Length(json);
}

/** UTF-8 byte length of a string without allocating an encoded copy (values may be large). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one code point above U+FFFF: 4 bytes.
      bytes += 4;
      i += 1;
    } else {
      // Other BMP characters, and lone surrogates (which TextEncoder replaces with U+FFFD): 3 bytes.
      bytes += 3;
    }
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30.4375 * DAY;
const YEAR = 365.25 * DAY;

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/**
 * `ts` relative to `now` (both epoch ms) in words: "just now" within 45 seconds either way, then
 * "3 minutes ago", "2 hours ago", "yesterday", "3 days ago", "last week", "2 months ago",
 * "last year"… and "in 5 minutes" for future times (clock skew). Each unit is rounded to the nearest
 * whole value and switches to the next unit a little before a full one, as people say it.
 */
export function formatRelativeTime(ts: number, now: number, locale = 'en'): string {
  if (!Number.isFinite(ts) || !Number.isFinite(now)) {
    throw new RangeError(`formatRelativeTime: not a finite time: ${ts}, ${now}`);
  }
  const delta = ts - now;
  const abs = Math.abs(delta);
  const sign = delta < 0 ? -1 : 1;
  const rtf = relativeFormat(locale);
  const inUnit = (size: number) => sign * Math.max(1, Math.round(abs / size));

  if (abs < 45 * SECOND) return locale.startsWith('en') ? 'just now' : rtf.format(0, 'second');
  if (abs < 45 * MINUTE) return rtf.format(inUnit(MINUTE), 'minute');
  if (abs < 22 * HOUR) return rtf.format(inUnit(HOUR), 'hour');
  if (abs < 6.5 * DAY) return rtf.format(inUnit(DAY), 'day');
  if (abs < 26 * DAY) return rtf.format(inUnit(WEEK), 'week');
  if (abs < 320 * DAY) return rtf.format(inUnit(MONTH), 'month');
  return rtf.format(inUnit(YEAR), 'year');
}

function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale);
  if (!format) {
    // numeric: 'auto' gives "yesterday" / "last week" instead of "1 day ago" / "1 week ago".
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormats.set(locale, format);
  }
  return format;
}

export type ExactTimeOptions = {
  /** BCP 47 locale; defaults to the user's. */
  locale?: string;
  /** IANA time zone; defaults to the user's local zone. Tests pin it to `UTC`. */
  timeZone?: string;
};

const exactFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The exact local date and time of `ts` (epoch ms) to the second, e.g. "12 Mar 2024, 14:05:09" in
 * en-GB, for tooltips next to a relative time.
 */
export function formatExactTime(ts: number, options: ExactTimeOptions = {}): string {
  if (!Number.isFinite(ts)) throw new RangeError(`formatExactTime: not a finite time: ${ts}`);
  const key = `${options.locale ?? ''}|${options.timeZone ?? ''}`;
  let format = exactFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(options.locale, {
      dateStyle: 'medium',
      timeStyle: 'medium',
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    });
    exactFormats.set(key, format);
  }
  return format.format(ts);
}

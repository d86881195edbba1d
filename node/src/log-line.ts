/**
 * One log record as one line for people (docs/operating.md §Logs; docs/conventions.md §Logging):
 *
 *     07-14 03:20:01 WARN  link/sat0      SBD link down  reason=port-closed detail="cannot open …"
 *
 * the local time in the county's time zone, the level, the component and link as a short prefix,
 * the message, then the other fields as `key=value`: text bare when it is one word, else quoted;
 * objects and lists as compact JSON; an error as its code (or type) and its message with causes
 * (its stack stays in the JSON format). pino's `pid` and `hostname` are left out: one daemon writes
 * to one terminal.
 *
 * Anything in a record may have come from outside (a stranger's payload, a modem's AT line): control
 * characters, bidirectional overrides and line separators are escaped, so a line is always one line
 * and nothing in it can drive the terminal. The only escapes written are the level's colour.
 */

/** pino's numeric levels by name. */
const LEVELS: ReadonlyArray<[number, string, string]> = [
  // [at least, name, ANSI colour]
  [60, 'FATAL', '\u001b[1;31m'],
  [50, 'ERROR', '\u001b[31m'],
  [40, 'WARN', '\u001b[33m'],
  [30, 'INFO', '\u001b[32m'],
  [20, 'DEBUG', '\u001b[2m'],
  [0, 'TRACE', '\u001b[2m'],
];
const RESET = '\u001b[0m';

/** Fields that make up the start of the line, or that a terminal has no use for. */
const SHOWN_APART = new Set(['level', 'time', 'pid', 'hostname', 'mod', 'link', 'msg']);

/** The prefix column is at least this wide, so that messages line up. */
const PREFIX_WIDTH = 14;

export interface LineOptions {
  /** Unix ms as the time column, e.g. "07-14 03:20:01" ({@link timeFormatter}). */
  time: (ms: number) => string;
  /** Colour the level (a terminal that takes ANSI colours). */
  color: boolean;
}

/** The record pino wrote, as one line without its newline. */
export function prettyLine(record: Readonly<Record<string, unknown>>, opts: LineOptions): string {
  const level = typeof record.level === 'number' ? record.level : 30;
  const [, name, colour] =
    LEVELS.find(([min]) => level >= min) ?? (LEVELS.at(-1) as [number, string, string]);
  const time = typeof record.time === 'number' ? opts.time(record.time) : '--';
  const levelText = opts.color ? `${colour}${name.padEnd(5)}${RESET}` : name.padEnd(5);
  const prefix = [record.mod, record.link]
    .filter((p) => p !== undefined && p !== null && p !== '')
    .map((p) => escapeControls(typeof p === 'string' ? p : JSON.stringify(p)))
    .join('/');
  const msg = typeof record.msg === 'string' ? escapeControls(record.msg) : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !SHOWN_APART.has(key) && value !== undefined)
    .map(([key, value]) => `${escapeControls(key)}=${key === 'err' ? errorText(value) : valueText(value)}`);
  const head = `${time} ${levelText} ${prefix.padEnd(PREFIX_WIDTH)} ${msg}`;
  return fields.length === 0 ? head.trimEnd() : `${head}  ${fields.join(' ')}`;
}

/** A field's value: a bare word, a quoted text, or compact JSON. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return word(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return `[${value.map((v) => (typeof v === 'string' ? word(v) : String(v))).join(',')}]`;
  return escapeControls(JSON.stringify(value) ?? String(value));
}

/** An error as pino serialized it: "CODE: message" (or "Type: message"), quoted; the code once. */
function errorText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return valueText(value);
  const e = value as { code?: unknown; type?: unknown; message?: unknown };
  const label = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : 'Error';
  const message = typeof e.message === 'string' ? e.message : '';
  // A code the message says already (a system error's "bind EADDRINUSE …") is not said twice.
  if (message === '' || message.includes(label)) return quote(message === '' ? label : message);
  return quote(`${label}: ${message}`);
}

const BARE = /^[^\s"'=\\]+$/u;

function word(text: string): string {
  return BARE.test(text) && escapeControls(text) === text ? text : quote(text);
}

function quote(text: string): string {
  return `"${escapeControls(text.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`;
}

// C0, DEL and C1 controls, line and paragraph separators, bidirectional embeddings, overrides and
// isolates: what could break the line or make a terminal show other text than is there.
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text with its control characters written as escapes (\n, \r, \t, \xNN, \uNNNN). */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/**
 * Unix ms as "MM-DD HH:MM:SS" in `timeZone` (an IANA name): the county's time, whatever the
 * system's zone is. Throws RangeError for a zone the runtime does not know (the configuration
 * checks it first).
 */
export function timeFormatter(timeZone: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (ms) => {
    if (!Number.isFinite(ms)) return '--';
    const part: Record<string, string> = {};
    for (const p of format.formatToParts(ms)) part[p.type] = p.value;
    return `${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
  };
}

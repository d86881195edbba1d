/**
 * Warning event codes in the style of GB/T 35561 used by the national release system
 * (docs/domain.md §Warnings). docs/wire-format.md §Code tables.
 *
 * A code is two digits, a capital letter and two digits ("11B03"). On the wire it is the integer
 * (digits × 26 + letter) × 100 + number, so codes outside this table still travel; the table only
 * gives names. Only the codes listed in docs/domain.md §Warnings are named here; the rest of the standard's
 * table (about 60, including flood and geological codes outside 11B) is to be added from the
 * standard itself, not guessed.
 */
export const EVENT_CODES: ReadonlyArray<readonly [code: string, zh: string, en: string]> = [
  ['11B01', '台风', 'typhoon'],
  ['11B02', '龙卷风', 'tornado'],
  ['11B03', '暴雨', 'rainstorm'],
  ['11B04', '暴雪', 'snowstorm'],
  ['11B05', '寒潮', 'cold wave'],
  ['11B06', '大风', 'gale'],
  ['11B07', '沙尘暴', 'sandstorm'],
  ['11B09', '高温', 'heat'],
  ['11B14', '雷电', 'lightning'],
  ['11B15', '冰雹', 'hail'],
  ['11B16', '霜冻', 'frost'],
  ['11B17', '大雾', 'heavy fog'],
  ['11B19', '霾', 'haze'],
  ['11B20', '雷雨大风', 'thunderstorm gale'],
  ['11B21', '道路结冰', 'road icing'],
  ['11B22', '干旱', 'drought'],
  ['11B25', '森林火险', 'forest fire danger'],
  ['11B37', '地质灾害气象风险', 'geological hazard weather risk'],
  ['11B99', '其他', 'other weather'],
];

const EVENT_CODE_PATTERN = /^(\d{2})([A-Z])(\d{2})$/;
/** Largest wire value: "99Z99". */
export const MAX_EVENT_CODE_VALUE = (99 * 26 + 25) * 100 + 99;

export function isEventCode(code: string): boolean {
  return EVENT_CODE_PATTERN.test(code);
}

export function eventCodeToWire(code: string): number {
  const m = EVENT_CODE_PATTERN.exec(code);
  if (!m) throw new TypeError(`event code ${JSON.stringify(code)} is not two digits, a letter, two digits`);
  return (Number(m[1]) * 26 + ((m[2] as string).charCodeAt(0) - 65)) * 100 + Number(m[3]);
}

export function eventCodeFromWire(value: number): string {
  const number = value % 100;
  const rest = Math.floor(value / 100);
  const letter = String.fromCharCode(65 + (rest % 26));
  const digits = Math.floor(rest / 26);
  return `${String(digits).padStart(2, '0')}${letter}${String(number).padStart(2, '0')}`;
}

const names = new Map(EVENT_CODES.map(([code, zh, en]) => [code, { zh, en }]));

export function eventName(code: string): { zh: string; en: string } | undefined {
  return names.get(code);
}

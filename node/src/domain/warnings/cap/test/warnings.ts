/**
 * Warnings to export in the CAP tests (docs/cap.md §9 Tests), built on the reference warning R2 of
 * docs/wire-format.md §9: the county's red rainstorm warning to three townships, 2026-07-14 03:20
 * in China. Each variant changes what its test is about.
 */
import { CENTRE_NODE, R2, REFERENCE_TIME } from '../../../../wire/fixtures/reference-messages.js';
import type { WarningBody } from '../../../../wire/kinds/warning.js';
import type { MessageOf } from '../../../../wire/message.js';
import { AreaDirectory } from '../../../roster/area-directory.js';
import type { CapExportContext } from '../cap-export.js';

export { REFERENCE_TIME };

export const COUNTY = 430121;
export const TOWNSHIPS = [430121101, 430121102, 430121103] as const;
export const VILLAGE = 430121101201;

export const AREAS = new AreaDirectory([
  { code: COUNTY, name: '长沙县' },
  { code: 430121101, name: '星沙街道' },
  { code: 430121102, name: '榔梨街道' },
  { code: 430121103, name: '黄花镇' },
  { code: VILLAGE, name: '金鹰村' },
]);

export const CONTEXT: CapExportContext = {
  sender: 'yjj.changsha-county.example.cn',
  issuerName: '长沙县应急管理局',
  areas: AREAS,
};

/** The thread's issue, R2 itself. */
export const ISSUE: MessageOf<'warning'> = R2;
export const ISSUE_REF = { origin: CENTRE_NODE, seq: R2.seq };

export function warning(
  body: Partial<WarningBody>,
  envelope: Partial<Omit<MessageOf<'warning'>, 'body' | 'kind'>> = {},
): MessageOf<'warning'> {
  return { ...R2, ...envelope, body: { ...R2.body, ...body } };
}

/** Two hours on: the rain eases, red becomes orange, level II. */
export const UPDATE = warning(
  { action: 'update', level: 2, colour: 'orange', references: ISSUE_REF, onset: REFERENCE_TIME + 7200 },
  { seq: 61, createdAt: REFERENCE_TIME + 7200 },
);

/** Five hours on: cancelled (解除). */
export const CANCEL = warning(
  { action: 'cancel', references: ISSUE_REF, onset: REFERENCE_TIME + 5 * 3600 },
  { seq: 64, createdAt: REFERENCE_TIME + 5 * 3600 },
);

/** R2 without the office's name: the issuer's name stands in. */
export const NO_OFFICE: MessageOf<'warning'> = (() => {
  const { senderName: _office, ...body } = R2.body;
  return { ...R2, body };
})();

/**
 * What an import yields (docs/cap.md §6 Import): a warning draft for the centre to forward, shaped
 * as the wire's warning body without its issuer (the forwarding centre signs it with its own), the
 * CAP message it came from, and a note for everything of that message the wire does not carry.
 */
import type { MessageRef } from '../../../wire/field-codecs.js';
import type { WarningBody } from '../../../wire/kinds/warning.js';

/** The CAP message a draft came from: its extended identifier, which later updates reference. */
export interface CapSource {
  format: 'CAP 1.2';
  sender: string;
  identifier: string;
  /** `sent` as written, and as unix seconds. */
  sentText: string;
  sent: number;
}

/** Something of the CAP message that the draft does not carry, and why. */
export interface CapNote {
  path: string;
  message: string;
}

export interface CapWarningDraft {
  /** Always true: this warning came from outside, as CAP. */
  imported: true;
  source: CapSource;
  /** Status Exercise: forward it with the envelope's 演练 flag. */
  exercise: boolean;
  /** The warning, roles empty (the forwarding centre chooses who must answer), no issuer yet. */
  body: Omit<WarningBody, 'issuer'>;
  notes: CapNote[];
}

/** A CAP message named in `references`, as the centre that forwarded it knows it. */
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}

/** What the centre knows of a referenced CAP message it forwarded earlier. */
export interface CapReferenceTarget {
  /** The issue of the thread the referenced message was forwarded into (docs/wire-format.md §4.2). */
  ref: MessageRef;
  /** That thread's warning, to fill a Cancel that comes without an `<info>`. */
  warning: Pick<WarningBody, 'event' | 'level' | 'colour' | 'areas'> &
    Partial<Pick<WarningBody, 'circle' | 'senderName'>>;
}

/** How the import decides what the mapping cannot know alone. */
export interface CapMappingOptions {
  /**
   * The thread an Update or Cancel belongs to, from the CAP messages this centre forwarded before.
   * Default: none known, so every Update and Cancel is refused with CAP_REFERENCE_UNKNOWN.
   */
  resolveReference?: (reference: CapReference) => CapReferenceTarget | undefined;
  /** Now, unix seconds: a warning that expired by then is not forwarded. Default: not checked. */
  now?: number;
  /** How long a warning without `<expires>` lasts from its onset, seconds. Default 24 h. */
  missingExpiresS?: number;
}

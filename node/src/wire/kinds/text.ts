/**
 * Short text typed by a person (docs/wire-format.md §text). Kind 9, MAC-tagged. 160 UTF-8 bytes
 * (53 Chinese characters) keep any text message inside one LoRa frame with envelope and tag.
 */
import { messageRef, personIndex } from '../field-codecs.js';
import { optional, type RecordOf, required, text } from '../schema.js';

export const textFields = {
  text: required(text(160)),
  person: optional(personIndex),
  replyTo: optional(messageRef),
};

export type TextBody = RecordOf<typeof textFields>;

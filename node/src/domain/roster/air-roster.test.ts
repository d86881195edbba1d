/**
 * The roster on air: what a control message built from the projection carries, through the real
 * wire encoder and decoder, and what it never carries (PINs, their hashes, phone numbers).
 */
import { describe, expect, it } from 'vitest';
import { signatureAuthenticator } from '../../crypto/authenticate.js';
import { FIXTURE_ISSUER_ID, FIXTURE_ISSUER_KEY } from '../../wire/fixtures/fixture-keys.js';
import { decodeFrame, encodeMessage, type MessageOf } from '../../wire/message.js';
import { airRoster, airRosterEntry } from './air-roster.js';
import type { Person } from './person.js';
import { hashPin } from './pin-hash.js';

const VILLAGE = 430121101201;
const PEOPLE: Person[] = [
  {
    id: 12,
    name: '李娜',
    phone: '13900000012',
    roles: ['grid-member', 'flood-responsible'],
    areas: [VILLAGE],
  },
  { id: 3, name: '张伟', phone: '13800000003', roles: ['info-officer'], areas: [VILLAGE] },
  { id: 40, name: '王强', roles: ['info-officer'], areas: [430121101202] },
  { id: 1, name: '赵敏', roles: ['duty-officer'], areas: [430121] },
];

function controlFrame(body: MessageOf<'control'>['body']): Uint8Array {
  const message: MessageOf<'control'> = {
    kind: 'control',
    origin: 1,
    seq: 9,
    createdAt: 1_784_000_000,
    clockUntrusted: false,
    priority: 2,
    lifetimeMin: 24 * 60,
    dest: { to: 'area', area: VILLAGE },
    flags: [],
    body,
  };
  return encodeMessage(message, signatureAuthenticator(FIXTURE_ISSUER_KEY));
}

describe('the air roster', () => {
  it('holds the people of the area, by id, with role numbers and names, as a kit decodes them', () => {
    const roster = airRoster(VILLAGE, PEOPLE);
    expect(roster).toEqual({
      area: VILLAGE,
      persons: [
        { person: 3, roles: [1], name: '张伟' },
        { person: 12, roles: [3, 4], name: '李娜' },
      ],
    });
    const decoded = decodeFrame(controlFrame({ issuer: FIXTURE_ISSUER_ID, roster }))
      .message as MessageOf<'control'>;
    expect(decoded.body.roster).toEqual(roster);
  });

  it('never carries a PIN, its hash or a phone number, whatever the person object holds', async () => {
    const pin = '271828';
    const hash = await hashPin(pin, { ln: 10, r: 8, p: 1 });
    // At run time an object may carry more than its type says: the projection leaves it behind.
    const carrying = { ...(PEOPLE[0] as Person), pin, pinHash: hash } as Person;
    const entry = airRosterEntry(carrying);
    expect(Object.keys(entry).sort()).toEqual(['name', 'person', 'roles']);
    const frame = Buffer.from(
      controlFrame({ issuer: FIXTURE_ISSUER_ID, roster: airRoster(VILLAGE, [carrying]) }),
    );
    for (const secret of [pin, hash, hash.split('$')[4] as string, '13900000012'])
      expect(frame.includes(Buffer.from(secret)), secret).toBe(false);
    expect(frame.includes(Buffer.from('李娜'))).toBe(true);
  });

  it('names each wire role once, even for codes that share one', () => {
    expect(airRosterEntry({ id: 5, name: 'x', roles: ['admin', 'admin'], areas: [VILLAGE] }).roles).toEqual([
      11,
    ]);
  });
});

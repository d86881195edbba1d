/**
 * The shapes of the session routes (docs/api.md §Sessions).
 */
import { Type } from 'typebox';
import { Closed } from './common-schemas.js';

export const SignInBody = Closed({
  person: Type.Integer({ minimum: 1, maximum: 0xffff, description: 'Roster id.' }),
  pin: Type.String({ pattern: '^[0-9]{6}$', description: 'Six digits.' }),
});

export const Person = Closed({
  id: Type.Integer(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  areas: Type.Array(Type.Integer()),
});

export const SessionReply = Closed({
  signedIn: Type.Literal(true),
  person: Person,
  csrfToken: Type.String({ description: 'Send it in X-CSRF-Token with every write.' }),
  expiresInMs: Type.Integer({
    description: 'The session ends if unused this long (or sooner at its absolute end).',
  }),
  permissions: Type.Array(
    Closed({
      permission: Type.String(),
      all: Type.Boolean({ description: 'Anywhere; else within `areas`.' }),
      areas: Type.Array(Type.Integer()),
    }),
    { description: 'What the person may do, and where.' },
  ),
});

export const NoSessionReply = Closed({ signedIn: Type.Literal(false) });

export const SignedOutReply = Closed({ signedIn: Type.Literal(false) });

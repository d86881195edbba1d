/**
 * The public key Ground Control (Rock7) signs RockBLOCK push tokens with (docs/iridium.md
 * §2.2). It is published on the "receiving MO messages" page and has verified the 2020 and 2023
 * captures and the documentation sample, so it has been stable since at least 2020 [V]. It is the
 * only key the push receiver trusts unless configuration names another (a simulator's test key).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

/** RSA-2048, SPKI PEM, exactly as published. */
export const ROCK7_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlaWAVJfNWC4XfnRx96p9cztBcdQV6l8aKmzAlZdpEcQR6MSPzlgvihaUHNJgKm8t5ShR3jcDXIOI7er30cIN4/9aVFMe0LWZClUGgCSLc3rrMD4FzgOJ4ibD8scVyER/sirRzf5/dswJedEiMte1ElMQy2M6IWBACry9u12kIqG0HrhaQOzc6Tr8pHUWTKft3xwGpxCkV+K1N+9HCKFccbwb8okRP6FFAMm5sBbw4yAu39IVvcSL43Tucaa79FzOmfGs5mMvQfvO1ua7cOLKfAwkhxEjirC0/RYX7Wio5yL6jmykAHJqFG2HT0uyjjrQWMtoGgwv9cIcI7xbsDX6owIDAQAB
-----END PUBLIC KEY-----
`;

let rock7Key: KeyObject | undefined;

/** The published Rock7 key as a KeyObject, parsed once. */
export function rock7PublicKey(): KeyObject {
  rock7Key ??= createPublicKey(ROCK7_PUBLIC_KEY_PEM);
  return rock7Key;
}

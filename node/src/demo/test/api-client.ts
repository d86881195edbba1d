/**
 * A browser's part against a node's HTTP API, for the demonstration county's tests
 * (docs/api.md §Sessions, §CSRF, §Idempotency): real HTTP on 127.0.0.1, with the Origin a page
 * served by the node sends, the session cookie, the CSRF token and a fresh Idempotency-Key per write.
 */
import { randomUUID } from 'node:crypto';

export interface ApiReply<T = unknown> {
  status: number;
  body: T;
}

export class ApiClient {
  readonly origin: string;
  #cookie: string | undefined;
  #csrf: string | undefined;

  constructor(port: number) {
    this.origin = `http://127.0.0.1:${port}`;
  }

  /** Signs in as roster person `person` with `pin`; resolves with the sign-in's status. */
  async signIn(person: number, pin: string): Promise<number> {
    const res = await fetch(`${this.origin}/api/session`, {
      method: 'POST',
      headers: this.#headers(true),
      body: JSON.stringify({ person, pin }),
    });
    await res.arrayBuffer();
    const cookie = res.headers.get('set-cookie');
    if (cookie !== null) this.#cookie = cookie.split(';', 1)[0];
    if (res.status === 200 || res.status === 201) {
      const session = await this.get<{ csrfToken?: string }>('/api/session');
      this.#csrf = session.body.csrfToken;
    }
    return res.status;
  }

  async get<T = unknown>(path: string): Promise<ApiReply<T>> {
    const res = await fetch(`${this.origin}${path}`, { headers: this.#headers(false) });
    return { status: res.status, body: (await res.json()) as T };
  }

  async post<T = unknown>(path: string, body: unknown): Promise<ApiReply<T>> {
    const res = await fetch(`${this.origin}${path}`, {
      method: 'POST',
      headers: this.#headers(true),
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  #headers(write: boolean): Record<string, string> {
    return {
      ...(this.#cookie === undefined ? {} : { cookie: this.#cookie }),
      ...(write
        ? {
            origin: this.origin,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
            ...(this.#csrf === undefined ? {} : { 'x-csrf-token': this.#csrf }),
          }
        : {}),
    };
  }
}

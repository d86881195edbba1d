/** Tests for the `keys` section (keys-section.ts, through loadConfig): key files by role, node keys, test keys. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKitError, type KitError } from '../base/errors.js';
import { FIXTURE_ISSUER_PUBLIC } from '../wire/fixtures/fixture-keys.js';
import { type LoadConfigOptions, loadConfig } from './load.js';

/** RFC 8032 test 1's public key: its private key is in node/src/crypto/ed25519.test.ts. */
const RFC8032_TEST1_PUBLIC = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
/** Made for these tests; the private half was thrown away. */
const OTHER_PUBLIC = 'UhHfW41elkDcWmpaPnzoeBxheurmfrcN7rEjGqP4ibY=';
const FIXTURE_ISSUER = Buffer.from(FIXTURE_ISSUER_PUBLIC).toString('base64');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-config-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(yaml: string, opts: LoadConfigOptions = {}) {
  const path = join(dir, 'node.yaml');
  await writeFile(path, yaml);
  return loadConfig(path, { env: {}, cwd: dir, ...opts });
}

async function problems(yaml: string, opts: LoadConfigOptions = {}): Promise<string> {
  const err = await load(yaml, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKitError(err, 'CONFIG_INVALID')) throw new Error(`expected CONFIG_INVALID, got ${String(err)}`);
  return (err as KitError).message;
}

describe('key files by role', () => {
  it('a centre names its master secret; a gateway its kit key and relay keys; paths follow the file', async () => {
    const centre = await load('node: { id: 1, role: centre }\nkeys: { master_secret_file: master.secret }\n');
    expect(centre.keys).toEqual({ masterSecretFile: join(dir, 'master.secret'), issuers: [], nodes: [] });
    const gateway = await load(
      'node: { id: 3001, role: gateway }\nkeys: { kit_key_file: /etc/kit.key, relay_keys_file: relay.keys }\n',
    );
    expect(gateway.keys).toEqual({
      kitKeyFile: '/etc/kit.key',
      relayKeysFile: join(dir, 'relay.keys'),
      issuers: [],
      nodes: [],
    });
  });

  it('a master secret on a kit, a kit key or relay keys on a centre, and the old setting are all problems', async () => {
    const kit = await problems(
      'node: { id: 2107, role: kit }\nkeys: { master_secret_file: m, enrolment_secret_file: s, kit_key_flie: k }\n',
    );
    expect(kit).toContain(
      'keys.master_secret_file: only the centre holds the master secret, and this node is a kit',
    );
    expect(kit).toContain('keys.enrolment_secret_file: replaced by kit_key_file');
    expect(kit).toContain('keys.kit_key_flie: unknown key (did you mean kit_key_file?)');
    expect(kit).toContain('3 problems');

    const centre = await problems(
      'node: { id: 1, role: centre }\nkeys: { kit_key_file: k, relay_keys_file: r, enrolment_secret_file: s }\n',
    );
    expect(centre).toContain('keys.kit_key_file: a centre derives every kit key from master_secret_file');
    expect(centre).toContain('keys.relay_keys_file: a centre derives every relay key');
    expect(centre).toContain('keys.enrolment_secret_file: replaced by master_secret_file');
  });

  it('a gateway may name kits too old for receipt tags, each a node id once, with its relay keys', async () => {
    const gateway = await load(
      'node: { id: 3001, role: gateway }\nkeys: { relay_keys_file: relay.keys, untagged_kits: [2101, 2102] }\n',
    );
    expect(gateway.keys.untaggedKits).toEqual([2101, 2102]);
    const wrong = await problems(
      'node: { id: 3001, role: gateway }\nkeys: { relay_keys_file: r, untagged_kits: [2101, 2101, 0, "x"] }\n',
    );
    expect(wrong).toContain('keys.untagged_kits[1]: 2101 is listed twice');
    expect(wrong).toContain('keys.untagged_kits[2]: expected a node id from 1 to 4294967295, found 0');
    expect(wrong).toContain('keys.untagged_kits[3]: expected a node id from 1 to 4294967295, found "x"');
    const keyless = await problems('node: { id: 2107, role: kit }\nkeys: { untagged_kits: [2101] }\n');
    expect(keyless).toContain('keys.untagged_kits: only a gateway tags its receipts');
  });

  it('no rule by role runs when node.role itself is wrong', async () => {
    const text = await problems('node: { id: 9, role: kits }\nkeys: { master_secret_file: m }\n');
    expect(text).toContain('node.role: expected one of');
    expect(text).not.toContain('master_secret_file');
  });
});

describe('node keys', () => {
  it('take an optional area and role, checked as node.area and node.role are', async () => {
    const config = await load(
      `node: { id: 1, role: centre }
keys:
  nodes:
    - { id: 2107, public_key: ${OTHER_PUBLIC}, area: 430121101201, role: kit }
    - { id: 3001, public_key: ${OTHER_PUBLIC} }
`,
    );
    expect(config.keys.nodes[0]).toMatchObject({ id: 2107, area: 430121101201, role: 'kit' });
    expect(config.keys.nodes[1]).toEqual({
      id: 3001,
      publicKey: new Uint8Array(Buffer.from(OTHER_PUBLIC, 'base64')),
    });

    const text = await problems(
      `node: { id: 1, role: centre }
centre_nodes: [1, 2]
keys:
  nodes:
    - { id: 2107, public_key: ${OTHER_PUBLIC}, area: 4301211, role: village }
    - { id: 5, public_key: ${OTHER_PUBLIC}, role: centre }
    - { id: 2, public_key: ${OTHER_PUBLIC}, role: gateway }
    - { id: 6, public_key: ${OTHER_PUBLIC}, areas: 430121 }
`,
    );
    for (const line of [
      'keys.nodes[0].area: 4301211 is not a 6, 9 or 12 digit area code',
      'keys.nodes[0].role: expected one of kit, gateway, team, centre, found text "village"',
      'keys.nodes[1].role: node 5 is centre but not in centre_nodes [1, 2]',
      'keys.nodes[2].role: node 2 is in centre_nodes, so its role is centre, not gateway',
      'keys.nodes[3].areas: unknown key (did you mean area?)',
    ])
      expect(text).toContain(line);
    expect(text).toContain('5 problems');
  });
});

describe('keys published in this repository', () => {
  const yaml = `node: { id: 2107, role: kit }
keys:
  issuers:
    - { id: 3, public_key: ${FIXTURE_ISSUER}, powers: [warning] }
    - { id: 4, public_key: ${OTHER_PUBLIC}, powers: [warning] }
  nodes:
    - { id: 3001, public_key: ${RFC8032_TEST1_PUBLIC} }
`;

  it('are refused outside the test runner, saying whose private half is public', async () => {
    const text = await problems(yaml, { refuseTestKeys: true });
    expect(text).toContain(
      "keys.issuers[0].public_key: the private half of this key is public (the wire fixtures' issuer 3",
    );
    expect(text).toContain('so anyone can sign with it: use your issuer’s own key');
    expect(text).toContain(
      'keys.nodes[0].public_key: the private half of this key is public (RFC 8032 test 1',
    );
    expect(text).not.toContain('keys.issuers[1]');
    expect(text).toContain('2 problems');
  });

  it('are accepted under the test runner, which the fixtures need', async () => {
    expect(process.env.VITEST).toBeDefined();
    const config = await load(yaml);
    expect(config.keys.issuers[0]?.publicKey).toEqual(FIXTURE_ISSUER_PUBLIC);
  });
});

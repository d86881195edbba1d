/**
 * The shared link contract (node/src/link/contract.ts) over two MeshtasticLinks, each on a
 * scripted radio over an in-process stream, the radios one hop apart (test/scripted-pair.ts).
 * The lead runs the same suite against the faithful simulator (radio/sim/meshtastic).
 */
import { runLinkContract } from '../../../node/src/link/contract.js';
import { StreamTransport } from '../transports/stream-transport.js';
import { MeshtasticLink } from './meshtastic-link.js';
import { scriptedPair } from './test/scripted-pair.js';

const timeouts = { wakeDelayMs: 2, handshakeMs: 500, queueStatusMs: 500, ackMs: 500 };

runLinkContract('meshtastic over scripted radios', async () => {
  const [a, b] = scriptedPair();
  const link = new MeshtasticLink({
    id: 'mesh-a',
    transport: new StreamTransport(() => a.connect()),
    timeouts,
  });
  const peer = new MeshtasticLink({
    id: 'mesh-b',
    transport: new StreamTransport(() => b.connect()),
    timeouts,
  });
  await peer.start();
  return { link, peer, teardown: async () => void (await Promise.all([link.stop(), peer.stop()])) };
});

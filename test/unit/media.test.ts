// The SFU's pure parts: which simulcast layer a viewer gets for the size it shows a video at,
// and the TURN credentials minted for coturn's use-auth-secret mode (checked against an
// independent HMAC here, and against a real coturn in test/integration/turn.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DEFAULT_CAPTURE_HEIGHT, layerHeights, pickSpatialLayer } from '../../src/media/layers.js';
import { iceServersFor, turnCredential } from '../../src/media/turn.js';
import { ConfigSchema, type Config } from '../../src/config/config.js';

/** The encodings mediasoup-client sends for a three-layer simulcast camera. */
const THREE_LAYERS = [{ scaleResolutionDownBy: 4 }, { scaleResolutionDownBy: 2 }, { scaleResolutionDownBy: 1 }];

describe('simulcast layers', () => {
  it('computes layer heights from scaleResolutionDownBy, lowest first', () => {
    assert.deepEqual(layerHeights(THREE_LAYERS, 720), [180, 360, 720]);
    assert.deepEqual(layerHeights([{ scaleResolutionDownBy: 3 }, { scaleResolutionDownBy: 1 }], 1080), [360, 1080]);
    assert.deepEqual(layerHeights([{}], 720), [720]);
    assert.deepEqual(layerHeights([], 720), []);
  });

  it('takes each layer as half the next when scaleResolutionDownBy is missing', () => {
    assert.deepEqual(layerHeights([{}, {}, {}], 720), [180, 360, 720]);
    assert.deepEqual(layerHeights([{}, {}], 1080), [540, 1080]);
    // Only the missing ones are guessed.
    assert.deepEqual(layerHeights([{}, { scaleResolutionDownBy: 1.5 }, {}], 720), [180, 480, 720]);
  });

  it('gives a viewer the smallest layer tall enough for what it shows', () => {
    const heights = layerHeights(THREE_LAYERS, 720);
    assert.equal(pickSpatialLayer(heights, 180), 0, 'a 180 px thumbnail');
    assert.equal(pickSpatialLayer(heights, 90), 0);
    assert.equal(pickSpatialLayer(heights, 1), 0);
    assert.equal(pickSpatialLayer(heights, 360), 1);
    assert.equal(pickSpatialLayer(heights, 720), 2);
    assert.equal(pickSpatialLayer(heights, 1080), 2, 'larger than the capture: the highest layer');
    assert.equal(pickSpatialLayer(heights, 4320), 2);
  });

  it('accepts a layer within 10% of the wanted height', () => {
    const heights = [180, 360, 720];
    assert.equal(pickSpatialLayer(heights, 200), 0, '180 >= 0.9 × 200');
    assert.equal(pickSpatialLayer(heights, 201), 1, '180 < 0.9 × 201');
    assert.equal(pickSpatialLayer(heights, 400), 1);
    assert.equal(pickSpatialLayer(heights, 401), 2);
  });

  it('works for one layer, no layers and the default capture height', () => {
    assert.equal(pickSpatialLayer([720], 1080), 0);
    assert.equal(pickSpatialLayer([720], 90), 0);
    assert.equal(pickSpatialLayer([], 360), 0);
    assert.equal(DEFAULT_CAPTURE_HEIGHT, 720);
    assert.equal(pickSpatialLayer(layerHeights([{}, {}, {}], DEFAULT_CAPTURE_HEIGHT), 360), 1);
  });
});

const media = (over: Record<string, unknown> = {}): Config['media'] => ConfigSchema.parse({ media: over }).media;
const expectedPassword = (secret: string, username: string) => createHmac('sha1', secret).update(username, 'utf8').digest('base64');

describe('TURN credentials (coturn use-auth-secret)', () => {
  const now = Date.UTC(2025, 10, 26, 9, 0, 0, 250);

  it('mints "expiry:userId" with expiry = now + ttl in whole seconds, and a base64 HMAC-SHA1 of it', () => {
    const c = turnCredential('s3cret', 42, 3600, now);
    assert.equal(c.username, `${Math.floor(now / 1000) + 3600}:42`);
    assert.match(c.username, /^\d+:42$/);
    assert.equal(c.credential, expectedPassword('s3cret', c.username));
    assert.equal(Buffer.from(c.credential, 'base64').length, 20, 'an SHA-1 digest');
    assert.match(c.credential, /^[A-Za-z0-9+/]{27}=$/);
  });

  it('depends on the secret, the user and the time', () => {
    const c = turnCredential('s3cret', 42, 3600, now);
    assert.notEqual(turnCredential('other', 42, 3600, now).credential, c.credential);
    assert.notEqual(turnCredential('s3cret', 43, 3600, now).username, c.username);
    assert.equal(turnCredential('s3cret', 42, 3600, now + 749).username, c.username, 'same second');
    assert.notEqual(turnCredential('s3cret', 42, 3600, now + 750).username, c.username);
  });

  it('uses the current time by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const c = turnCredential('s3cret', 7, 86400);
    const expiry = Number(c.username.split(':')[0]);
    assert.ok(expiry >= before + 86400 && expiry <= Math.floor(Date.now() / 1000) + 86400, c.username);
    assert.equal(c.credential, expectedPassword('s3cret', c.username));
  });

  it('hands out only the static ICE servers without a TURN secret', () => {
    const stun = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:static.example.org'], username: 'u', credential: 'p' }];
    assert.deepEqual(iceServersFor(media(), 5), []);
    assert.deepEqual(iceServersFor(media({ iceServers: stun }), 5), stun);
    assert.deepEqual(iceServersFor(media({ iceServers: stun, turn: { urls: ['turn:turn.example.org:3478'] } }), 5), stun, 'urls without a secret');
    assert.deepEqual(iceServersFor(media({ iceServers: stun, turn: { secret: 'x' } }), 5), stun, 'a secret without urls');
  });

  it('appends a TURN entry with credentials minted for the user when a secret is set', () => {
    const stun = [{ urls: 'stun:stun.example.org:3478' }];
    const urls = ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'];
    const config = media({ iceServers: stun, turn: { urls, secret: 's3cret', ttlSeconds: 600 } });
    const before = Math.floor(Date.now() / 1000);
    const list = iceServersFor(config, 9);
    assert.equal(list.length, 2);
    assert.deepEqual(list[0], stun[0]);
    const turn = list[1]!;
    assert.deepEqual(turn.urls, urls);
    const [expiry, user] = turn.username!.split(':');
    assert.equal(user, '9');
    assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= Math.floor(Date.now() / 1000) + 600);
    assert.equal(turn.credential, expectedPassword('s3cret', turn.username!));
    // The config is not changed by what is handed out.
    Object.assign(list[0]!, { username: 'changed' });
    assert.deepEqual(config.iceServers, stun);
  });
});

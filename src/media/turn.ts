// TURN credentials for coturn's "use-auth-secret" mode (the TURN REST API convention): the
// username carries its own expiry and the password is an HMAC of it with the shared secret, so
// coturn needs no user database and a leaked credential stops working by itself.
import { createHmac } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { MediaIceServer } from '../protocol/media.js';

export function turnCredential(secret: string, userId: number, ttlSeconds: number, now = Date.now()): { username: string; credential: string } {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** What a browser is told to use: the static list, then TURN with fresh credentials. */
export function iceServersFor(media: Config['media'], userId: number): MediaIceServer[] {
  const list: MediaIceServer[] = media.iceServers.map((s) => ({ ...s }));
  if (media.turn.urls.length > 0 && media.turn.secret) {
    list.push({ urls: media.turn.urls, ...turnCredential(media.turn.secret, userId, media.turn.ttlSeconds) });
  }
  return list;
}

import type { Db } from '../store/db.js';
import type { RoomLog } from './RoomLog.js';

/**
 * After a crash or restart nobody is connected, but the log may still show people as present
 * (joined with no left). Closing those intervals at start keeps attendance honest.
 * With several processes sharing a database, only the one starting the cluster may run this.
 */
export function sweepStalePresence(db: Db, log: RoomLog): number {
  const stale = db.prepare(`
    SELECT j.room_id AS roomId, j.actor_id AS userId FROM room_log j
    WHERE j.kind = 'participant.joined'
      AND j.id = (SELECT max(x.id) FROM room_log x
                  WHERE x.room_id = j.room_id AND x.actor_id = j.actor_id AND x.kind IN ('participant.joined', 'participant.left'))
  `).all() as Array<{ roomId: string; userId: number }>;
  for (const s of stale) log.append(s.roomId, 'participant.left', s.userId, { userId: s.userId, reason: 'restart' });
  return stale.length;
}

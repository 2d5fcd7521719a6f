// Staff: the "⋯" menu on a student in the people list (mute or unmute chat, allow or stop
// drawing, speaking, camera, screen; lower the hand; remove, or remove and bar).
import { useEffect, useRef, useState } from 'preact/hooks';
import { capsOf, type Capability } from '../../../protocol/classState.js';
import type { ParticipantInfo } from '../../../protocol/messages.js';
import { handPlace } from '../../classView.js';
import { useAction, useClass } from './context.js';
import { useMedia } from '../../media/useMedia.js';
import { liveMic } from '../../media/MediaStage.js';

const TOGGLES: ReadonlyArray<{ cap: Capability; on: string; off: string }> = [
  { cap: 'chat', on: 'Unmute chat', off: 'Mute chat' },
  { cap: 'audio', on: 'Allow to speak', off: 'Stop speaking' },
  { cap: 'draw', on: 'Allow to draw', off: 'Stop drawing' },
  { cap: 'video', on: 'Allow camera', off: 'Turn off camera' },
  { cap: 'screen', on: 'Allow screen sharing', off: 'Stop screen sharing' },
];

export function ParticipantMenu({ p }: { p: ParticipantInfo }) {
  const { session, room, connected } = useClass();
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState<null | 'remove' | 'bar'>(null);
  const act = useAction();
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  const close = (refocus: boolean) => {
    setOpen(false);
    setConfirm(null);
    act.clear();
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) close(false);
    };
    document.addEventListener('mousedown', outside);
    box.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const [media, mediaSnap] = useMedia();
  const mic = liveMic(mediaSnap, p.userId);
  const caps = capsOf(room.class, p.userId, p.role);
  const raised = handPlace(room.class, p.userId) !== null;
  const run = async (f: () => Promise<unknown>) => {
    if (await act.run(f)) close(true);
  };
  const grant = (capability: Capability, allow: boolean) => run(() => session.request('class.grant', { capability, allow, userId: p.userId }));

  return (
    <div
      class="pmenu"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          close(true);
        }
      }}
    >
      <button
        type="button"
        class="icon-btn pmenu-button"
        ref={button}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Actions for ${p.displayName}`}
        onClick={() => (open ? close(false) : setOpen(true))}
        data-testid="participant-menu"
      >
        ⋯
      </button>
      {open && (
        <div class="pmenu-list" role="menu" aria-label={`Actions for ${p.displayName}`} data-testid="participant-menu-list">
          {confirm ? (
            <div class="pmenu-confirm">
              <p>
                {confirm === 'bar'
                  ? `Remove ${p.displayName} and keep them out until this class session ends?`
                  : `Remove ${p.displayName} from the class? They can come back.`}
              </p>
              <div class="tool-actions">
                <button
                  type="button"
                  role="menuitem"
                  class="btn btn-danger btn-tiny"
                  disabled={!connected || act.busy}
                  onClick={() => run(() => session.request('class.remove', { userId: p.userId, ...(confirm === 'bar' ? { bar: true } : {}) }))}
                  data-testid="confirm-remove"
                >
                  Remove
                </button>
                <button type="button" role="menuitem" class="btn btn-quiet btn-tiny" onClick={() => setConfirm(null)}>
                  Cancel
                </button>
              </div>
            </div>
          ) : (
            <>
              {media && mic && (
                <button type="button" role="menuitem" class="pmenu-item" disabled={!connected || act.busy} onClick={() => run(() => media.muteOthers('mic', p.userId))} data-testid="menu-mute-mic">
                  Mute microphone
                </button>
              )}
              {TOGGLES.map((t) => (
                <button
                  key={t.cap}
                  type="button"
                  role="menuitem"
                  class="pmenu-item"
                  disabled={!connected || act.busy}
                  onClick={() => grant(t.cap, !caps[t.cap])}
                  data-testid={`menu-${t.cap}`}
                >
                  {caps[t.cap] ? t.off : t.on}
                </button>
              ))}
              {raised && (
                <button type="button" role="menuitem" class="pmenu-item" disabled={!connected || act.busy} onClick={() => run(() => session.request('class.lowerHand', { userId: p.userId }))} data-testid="menu-lower-hand">
                  Lower hand
                </button>
              )}
              <hr class="pmenu-sep" />
              <button type="button" role="menuitem" class="pmenu-item pmenu-danger" onClick={() => setConfirm('remove')} data-testid="menu-remove">
                Remove from class…
              </button>
              <button type="button" role="menuitem" class="pmenu-item pmenu-danger" onClick={() => setConfirm('bar')} data-testid="menu-bar">
                Remove and bar…
              </button>
            </>
          )}
          {act.error && <p class="error-text small" role="alert">{act.error}</p>}
        </div>
      )}
    </div>
  );
}

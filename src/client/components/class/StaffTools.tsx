// Staff: the class tools panel, in tabs (Class, Polls, Breakouts).
import { useState } from 'preact/hooks';
import { cls } from '../../format.js';
import { BreakoutPanel } from './BreakoutPanel.js';
import { useClass } from './context.js';
import { PollsPanel } from './PollsPanel.js';
import { RoomControls } from './RoomControls.js';

type Tab = 'class' | 'polls' | 'breakouts';

export function StaffTools() {
  const { room } = useClass();
  const [tab, setTab] = useState<Tab>('class');
  const openPolls = room.class.polls.filter((p) => p.status === 'open').length;
  const tabs: ReadonlyArray<{ id: Tab; label: string; badge: string | null }> = [
    { id: 'class', label: 'Class', badge: room.class.session ? '●' : null },
    { id: 'polls', label: 'Polls', badge: openPolls ? String(openPolls) : null },
    { id: 'breakouts', label: 'Breakouts', badge: room.class.breakout ? String(room.class.breakout.groups.length) : null },
  ];
  const onKeyDown = (e: KeyboardEvent) => {
    // Arrow keys move between tabs, as in any tab list.
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === tab);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    setTab(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };
  return (
    <div class="tools-inner">
      <div class="tabs" role="tablist" aria-label="Class tools" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            class={cls('tab', tab === t.id && 'tab-on')}
            aria-selected={tab === t.id}
            aria-controls={`tabpanel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
            {t.badge && <span class={cls('tab-badge', t.badge === '●' && 'tab-badge-live')}>{t.badge}</span>}
          </button>
        ))}
      </div>
      <div class="tab-panel" id={`tabpanel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'class' && <RoomControls />}
        {tab === 'polls' && <PollsPanel />}
        {tab === 'breakouts' && <BreakoutPanel />}
      </div>
    </div>
  );
}

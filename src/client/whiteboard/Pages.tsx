// The pages strip: select and add pages; staff also rename, move, delete and lead "follow me".
// A student whose teacher leads sees the teacher's page and cannot switch until released.
import { useState } from 'preact/hooks';
import type { WbPage } from '../../protocol/whiteboard.js';
import { WbLimits } from '../../protocol/whiteboardLimits.js';
import { cls } from '../format.js';

export interface PagesProps {
  pages: readonly WbPage[];
  current: string;
  /** May add pages (draw). */
  canAdd: boolean;
  /** Staff: rename, move, delete, follow me. */
  leader: boolean;
  /** A student's view is pinned to the teacher's page. */
  pinned: boolean;
  /** Staff: I am leading (students follow my page). */
  leading: boolean;
  onSelect(pageId: string): void;
  onAdd(): void;
  onRename(pageId: string, title: string): void;
  onMove(pageId: string, index: number): void;
  onDelete(pageId: string): void;
  onFollow(lead: boolean): void;
}

export function Pages(p: PagesProps) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const index = p.pages.findIndex((x) => x.id === p.current);
  return (
    <div class="wb-pages" data-testid="wb-pages">
      <ol class="wb-page-list" aria-label="Pages">
        {p.pages.map((page, i) =>
          renaming === page.id ? (
            <li key={page.id}>
              <RenameForm
                title={page.title}
                onDone={(title) => {
                  setRenaming(null);
                  if (title && title !== page.title) p.onRename(page.id, title);
                }}
              />
            </li>
          ) : (
            <li key={page.id}>
              <button
                type="button"
                class={cls('wb-page', page.id === p.current && 'wb-page-on')}
                aria-current={page.id === p.current ? 'page' : undefined}
                disabled={p.pinned && page.id !== p.current}
                onClick={() => p.onSelect(page.id)}
                onDblClick={() => p.leader && setRenaming(page.id)}
                data-testid={`wb-page-${i}`}
                data-page={page.id}
              >
                {page.title}
              </button>
            </li>
          ),
        )}
      </ol>
      {p.canAdd && !p.pinned && p.pages.length < WbLimits.pagesPerBoard && (
        <button type="button" class="wb-tool" aria-label="Add a page" title="Add a page" onClick={p.onAdd} data-testid="wb-add-page">
          +
        </button>
      )}
      {p.leader && (
        <div class="wb-page-actions">
          <button type="button" class="btn btn-quiet btn-tiny" title="Move left" aria-label="Move page left" disabled={index <= 0} onClick={() => p.onMove(p.current, index - 1)}>
            ←
          </button>
          <button type="button" class="btn btn-quiet btn-tiny" title="Move right" aria-label="Move page right" disabled={index >= p.pages.length - 1} onClick={() => p.onMove(p.current, index + 1)}>
            →
          </button>
          <button type="button" class="btn btn-quiet btn-tiny" onClick={() => setRenaming(p.current)} data-testid="wb-rename">
            Rename
          </button>
          <button type="button" class="btn btn-quiet btn-tiny" disabled={p.pages.length <= 1} onClick={() => p.onDelete(p.current)} data-testid="wb-delete-page">
            Delete page
          </button>
          <button
            type="button"
            class={cls('btn', 'btn-tiny', p.leading ? 'btn-primary' : 'btn-quiet')}
            aria-pressed={p.leading}
            onClick={() => p.onFollow(!p.leading)}
            data-testid="wb-follow"
          >
            {p.leading ? 'Students follow me' : 'Follow me'}
          </button>
        </div>
      )}
      {p.pinned && (
        <span class="muted small" role="status" data-testid="wb-following">
          Following the teacher’s page
        </span>
      )}
    </div>
  );
}

function RenameForm({ title, onDone }: { title: string; onDone: (title: string | null) => void }) {
  const [value, setValue] = useState(title);
  return (
    <form
      class="wb-rename"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(value.trim().slice(0, WbLimits.pageTitleLength) || null);
      }}
    >
      <input
        class="input input-small"
        aria-label="Page title"
        value={value}
        maxLength={WbLimits.pageTitleLength}
        ref={(el) => el?.focus()}
        onInput={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Escape' && onDone(null)}
        onBlur={() => onDone(value.trim() || null)}
        data-testid="wb-title-input"
      />
    </form>
  );
}

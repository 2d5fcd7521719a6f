// The whiteboard panel: the canvas (fit to width, device-pixel sharp), the toolbar and the pages
// strip. What is drawn is the server's board (room.board) with my unconfirmed edits on top
// (boardState.ts), plus the gesture in progress and others' live updates. Pointer input becomes
// ops through tools.ts; every durable change is a wb.op, every live one a wb.live.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { WbEditOp, WbEphemeral, WbObject, WbPage } from '../../protocol/whiteboard.js';
import { WB_CANVAS, WbLimits } from '../../protocol/whiteboardLimits.js';
import { canRedo, canUndo } from '../../whiteboard/model.js';
import { pageToSvg } from '../../whiteboard/svg.js';
import { canControl, myCaps, pendingRequests } from '../classView.js';
import { cls } from '../format.js';
import { useClass } from '../components/class/context.js';
import {
  applyUpdates, emptyLive, hasLive, pruneLive, previewBoard, visiblePage, type LiveState, type PendingOp,
} from './boardState.js';
import { drawCursor, drawDoomed, drawLaser, drawLiveStroke, drawObject, drawPage, drawSelection, userColor } from './render.js';
import { Pages } from './Pages.js';
import { Toolbar } from './Toolbar.js';
import {
  COLORS, StrokeBuilder, handleOf, imageObject, isShapeTool, movePatch, newId, objectAt, patched, resizable, resizePatch,
  shapeFromDrag, strokeObjects, strokeWidth, textObject, type Pt, type ShapeTool, type Style, type Tool,
} from './tools.js';
import { uploadImage, uploadSlides } from './upload.js';

/** A gesture in progress (kept in a ref: pointer moves must not re-render the component). */
type Drag =
  | { kind: 'stroke'; id: string; tool: 'pen' | 'highlighter'; pageId: string; style: Style; builder: StrokeBuilder; unsent: number[] }
  | { kind: 'shape'; tool: ShapeTool; id: string; a: Pt; b: Pt }
  | { kind: 'move'; obj: WbObject; from: Pt; to: Pt }
  | { kind: 'resize'; obj: WbObject; to: Pt }
  | { kind: 'erase'; ids: Set<string> }
  | { kind: 'laser'; pageId: string; trail: number[] };

/** Text being typed for a new text or note, or an existing one being edited. */
type Editor = { mode: 'new'; kind: 'text' | 'sticky'; at: Pt; text: string } | { mode: 'edit'; id: string; text: string };

/** Live updates go out at most this often (ms): the server's tick. */
const LIVE_EVERY = 33;
const CURSOR_EVERY = 100;

export function Whiteboard({ visible }: { visible: boolean }) {
  const { session, room, connected } = useClass();
  const self = room.self;
  const me = self?.userId ?? -1;
  const caps = myCaps(room);
  const leader = canControl(room);
  const canDraw = !!caps?.draw && connected;
  const follow = room.class.follow;

  const [pending, setPending] = useState<PendingOp[]>([]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [tool, setTool] = useState<Tool>('pen');
  const [style, setStyle] = useState<Style>({ color: COLORS[0], width: 4 });
  const [selected, setSelected] = useState<string | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(0);

  const board = useMemo(() => previewBoard(room.board, pending, room.lastSeq), [room.board, pending, room.lastSeq]);
  const page = visiblePage(board, chosen, follow, leader);
  const pinned = !leader && follow !== null && page.id === follow.pageId;
  const selectedObj = selected ? page.objects.find((o) => o.id === selected) ?? null : null;

  // Confirmed edits whose events are in: the server's board has them now.
  useEffect(() => {
    setPending((p) => (p.some((x) => x.seq !== null && x.seq <= room.lastSeq) ? p.filter((x) => x.seq === null || x.seq > room.lastSeq) : p));
  }, [room.lastSeq]);

  // ---------------------------------------------------------------- drawing

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<Drag | null>(null);
  const live = useRef<LiveState>(emptyLive());
  const frame = useRef(0);
  const images = useRef(new Map<string, HTMLImageElement>());
  /** What paint() needs from the latest render. */
  const latest = useRef({ page, board, selectedObj, names: room.names, roomId: '' });
  latest.current = { page, board, selectedObj, names: room.names, roomId: room.room?.id ?? '' };
  const latestStyle = useRef(style);
  latestStyle.current = style;

  const assetUrl = (assetId: string) => `/api/rooms/${encodeURIComponent(latest.current.roomId)}/assets/${encodeURIComponent(assetId)}`;

  const imageOf = useCallback((assetId: string): HTMLImageElement | null => {
    let img = images.current.get(assetId);
    if (!img) {
      img = new Image();
      img.onload = () => schedule();
      img.src = assetUrl(assetId);
      images.current.set(assetId, img);
    }
    return img.complete && img.naturalWidth > 0 ? img : null;
  }, []);

  const paint = useCallback(() => {
    frame.current = 0;
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return;
    const { page: pg, board: b, selectedObj: sel, names } = latest.current;
    const now = performance.now();
    live.current = pruneLive(live.current, b, now);
    const scale = canvas.width / WB_CANVAS.width;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    const d = drag.current;
    drawPage(ctx, draggedPage(pg, d), imageOf);
    if (d?.kind === 'stroke') drawLiveStroke(ctx, { kind: d.tool, color: d.style.color, width: strokeWidth(d.tool, d.style.width), points: d.builder.points }, d.tool === 'highlighter' ? 0.4 : 1);
    if (d?.kind === 'shape') {
      const o = shapeFromDrag(d.tool, d.id, d.a, d.b, latestStyle.current);
      if (o) drawObject(ctx, o, imageOf);
    }
    if (d?.kind === 'erase') for (const o of pg.objects) if (d.ids.has(o.id)) drawDoomed(ctx, o, scale);
    if (d?.kind === 'laser') drawLaser(ctx, { points: d.trail, at: now }, now, scale);
    const moved = sel && d && (d.kind === 'move' || d.kind === 'resize') ? draggedPage(pg, d).objects.find((o) => o.id === sel.id) : sel;
    if (moved) drawSelection(ctx, moved, scale);
    let strokes = 0;
    for (const s of live.current.strokes.values()) {
      if (s.pageId !== pg.id) continue;
      drawLiveStroke(ctx, s, s.kind === 'highlighter' ? 0.4 : 1);
      strokes++;
    }
    for (const l of live.current.lasers.values()) if (l.pageId === pg.id) drawLaser(ctx, l, now, scale);
    for (const c of live.current.cursors.values()) {
      if (c.pageId === pg.id) drawCursor(ctx, c, names[c.userId] ?? `User ${c.userId}`, userColor(c.userId), scale);
    }
    canvas.dataset.liveStrokes = String(strokes);
    // Lasers fade and live things expire: keep animating while any remain.
    if (hasLive(live.current) || d?.kind === 'laser') schedule();
  }, []);

  const schedule = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(paint);
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Repaint after every render (board, page, selection changed).
  useEffect(() => schedule());

  // The canvas's backing store follows its CSS size and the device pixel ratio.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const fit = () => {
      const w = Math.round(canvas.clientWidth * (window.devicePixelRatio || 1));
      const h = Math.round((w * WB_CANVAS.height) / WB_CANVAS.width);
      if (w > 0 && (canvas.width !== w || canvas.height !== h)) {
        canvas.width = w;
        canvas.height = h;
        paint();
      }
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(canvas);
    return () => ro.disconnect();
  }, [visible]);

  // Others' live updates.
  useEffect(() => session.onBoardUpdates((updates) => {
    live.current = applyUpdates(live.current, updates, me, performance.now());
    schedule();
  }), [session, me]);

  // ---------------------------------------------------------------- sending

  const showError = (e: unknown) => setError(e instanceof Error ? e.message : 'The board refused that change.');
  useEffect(() => {
    if (!error) return;
    const t = setTimeout(() => setError(null), 4000);
    return () => clearTimeout(t);
  }, [error]);

  const nextKey = useRef(0);
  const sendOp = (op: WbEditOp) => {
    const key = ++nextKey.current;
    setPending((p) => [...p, { key, op, seq: null }]);
    setSent((n) => n + 1);
    session.request('wb.op', { op }).then(
      ({ seq }) => setPending((p) => p.map((x) => (x.key === key ? { ...x, seq } : x))),
      (e) => {
        setPending((p) => p.filter((x) => x.key !== key));
        showError(e);
      },
    );
  };
  const sendHistory = (type: 'undo' | 'redo') => {
    setSent((n) => n + 1);
    session.request('wb.op', { op: { type } }).catch(showError);
  };
  const sendLive = (update: WbEphemeral) => {
    session.request('wb.live', { update }).catch(() => {
      /* ephemeral: a lost update is replaced by the next one */
    });
  };

  // Stroke progress goes out in batches, at most every LIVE_EVERY ms.
  const liveTimer = useRef<ReturnType<typeof setInterval> | null>(null);
  const flushStroke = (done: boolean) => {
    const d = drag.current;
    if (d?.kind !== 'stroke') return;
    const max = WbLimits.progressPoints * 2;
    do {
      const points = d.unsent.splice(0, max);
      if (points.length === 0 && !done) return;
      sendLive({
        type: 'stroke.progress', pageId: d.pageId, strokeId: d.id, kind: d.tool, color: d.style.color,
        width: strokeWidth(d.tool, d.style.width), points, ...(done && d.unsent.length === 0 ? { done: true } : {}),
      });
    } while (d.unsent.length > 0);
  };
  const lastLive = useRef(0);

  // ---------------------------------------------------------------- pointer input

  const toCanvas = (e: PointerEvent | MouseEvent): Pt => {
    const r = canvasRef.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * WB_CANVAS.width, y: ((e.clientY - r.top) / r.height) * WB_CANVAS.height };
  };
  /** Hit slack: about 6 screen pixels, in canvas units. */
  const slack = () => (6 * WB_CANVAS.width) / Math.max(1, canvasRef.current?.clientWidth ?? WB_CANVAS.width);

  const onPointerDown = (e: PointerEvent) => {
    if (!canDraw || e.button !== 0 || editor) return;
    const p = toCanvas(e);
    canvasRef.current!.setPointerCapture?.(e.pointerId);
    switch (tool) {
      case 'pen':
      case 'highlighter': {
        const builder = new StrokeBuilder();
        const d: Drag = { kind: 'stroke', id: newId(), tool, pageId: page.id, style, builder, unsent: builder.add(p.x, p.y) };
        drag.current = d;
        liveTimer.current = setInterval(() => flushStroke(false), LIVE_EVERY);
        break;
      }
      case 'line':
      case 'arrow':
      case 'rect':
      case 'ellipse':
        drag.current = { kind: 'shape', tool, id: newId(), a: p, b: p };
        break;
      case 'eraser': {
        const hit = objectAt(page, p.x, p.y, slack());
        drag.current = { kind: 'erase', ids: new Set(hit ? [hit.id] : []) };
        break;
      }
      case 'laser':
        drag.current = { kind: 'laser', pageId: page.id, trail: [Math.round(p.x), Math.round(p.y)] };
        break;
      case 'select': {
        const s = slack();
        if (selectedObj && resizable(selectedObj)) {
          const h = handleOf(selectedObj);
          if (Math.abs(p.x - h.x) <= 2 * s && Math.abs(p.y - h.y) <= 2 * s) {
            drag.current = { kind: 'resize', obj: selectedObj, to: p };
            break;
          }
        }
        const hit = objectAt(page, p.x, p.y, s);
        setSelected(hit?.id ?? null);
        if (hit) drag.current = { kind: 'move', obj: hit, from: p, to: p };
        break;
      }
      case 'text':
      case 'sticky':
        setEditor({ mode: 'new', kind: tool, at: p, text: '' });
        return;
      case 'image':
        pickImage(p);
        return;
    }
    schedule();
  };

  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    const p = toCanvas(e);
    if (!d) {
      // The cursor, for the others (drawing needs draw, so does telling where one points).
      const now = performance.now();
      if (canDraw && now - lastLive.current >= CURSOR_EVERY && inCanvas(p)) {
        lastLive.current = now;
        sendLive({ type: 'cursor', pageId: page.id, x: Math.round(p.x), y: Math.round(p.y) });
      }
      return;
    }
    const events = typeof e.getCoalescedEvents === 'function' && e.getCoalescedEvents().length > 0 ? e.getCoalescedEvents() : [e];
    switch (d.kind) {
      case 'stroke':
        for (const ev of events) {
          if (d.builder.points.length >= WbLimits.strokePoints * 2 * 4) break; // absurdly long: stop adding
          const q = toCanvas(ev);
          d.unsent.push(...d.builder.add(q.x, q.y));
        }
        break;
      case 'shape':
        d.b = p;
        break;
      case 'erase': {
        const hit = objectAt(page, p.x, p.y, slack());
        if (hit) d.ids.add(hit.id);
        break;
      }
      case 'laser': {
        d.trail.push(Math.round(p.x), Math.round(p.y));
        if (d.trail.length > WbLimits.laserPoints * 2) d.trail.splice(0, d.trail.length - WbLimits.laserPoints * 2);
        const now = performance.now();
        if (now - lastLive.current >= LIVE_EVERY) {
          lastLive.current = now;
          sendLive({ type: 'laser', pageId: d.pageId, points: [...d.trail] });
        }
        break;
      }
      case 'move':
      case 'resize':
        d.to = p;
        break;
    }
    schedule();
  };

  const onPointerUp = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    const p = toCanvas(e);
    switch (d.kind) {
      case 'stroke': {
        if (liveTimer.current) clearInterval(liveTimer.current);
        liveTimer.current = null;
        d.unsent.push(...d.builder.finish(p.x, p.y));
        flushStroke(true);
        drag.current = null;
        for (const o of strokeObjects(d.id, d.tool, d.builder.points, d.style)) sendOp({ type: 'obj.add', pageId: d.pageId, object: o });
        break;
      }
      case 'shape': {
        drag.current = null;
        const o = shapeFromDrag(d.tool, d.id, d.a, p, style);
        if (o) sendOp({ type: 'obj.add', pageId: page.id, object: o });
        break;
      }
      case 'erase': {
        drag.current = null;
        const ids = [...d.ids].filter((id) => page.objects.some((o) => o.id === id)).slice(0, WbLimits.deleteIds);
        if (ids.length > 0) sendOp({ type: 'obj.delete', pageId: page.id, ids });
        if (selected && ids.includes(selected)) setSelected(null);
        break;
      }
      case 'laser':
        drag.current = null;
        break;
      case 'move': {
        drag.current = null;
        const dx = p.x - d.from.x;
        const dy = p.y - d.from.y;
        if (Math.hypot(dx, dy) >= 1) sendOp({ type: 'obj.update', pageId: page.id, id: d.obj.id, patch: movePatch(d.obj, dx, dy) });
        break;
      }
      case 'resize': {
        drag.current = null;
        const patch = resizePatch(d.obj, p);
        if (patch) sendOp({ type: 'obj.update', pageId: page.id, id: d.obj.id, patch });
        break;
      }
    }
    schedule();
  };

  const onDblClick = (e: MouseEvent) => {
    if (!canDraw || tool !== 'select') return;
    const p = toCanvas(e);
    const hit = objectAt(page, p.x, p.y, slack());
    if (hit && (hit.kind === 'text' || hit.kind === 'sticky')) setEditor({ mode: 'edit', id: hit.id, text: hit.text });
  };

  // ---------------------------------------------------------------- images

  const fileInput = useRef<HTMLInputElement>(null);
  const imageAt = useRef<Pt>({ x: WB_CANVAS.width / 2, y: WB_CANVAS.height / 2 });
  const pickImage = (at: Pt) => {
    imageAt.current = at;
    fileInput.current?.click();
  };
  const onFile = async (file: File | undefined) => {
    if (!file || !room.room) return;
    try {
      const asset = await uploadImage(room.room.id, file);
      sendOp({ type: 'obj.add', pageId: page.id, object: imageObject(newId(), asset.assetId, imageAt.current, asset.width, asset.height) });
      setTool('select');
    } catch (e) {
      showError(e);
    }
  };

  /** Each page of the PDF becomes a new board page with that slide as its background. */
  const addSlides = async (file: File) => {
    if (!room.room) return;
    try {
      const slides = await uploadSlides(room.room.id, file);
      slides.forEach((slide, i) => {
        const pageId = newId();
        sendOp({ type: 'page.add', pageId, title: `Slide ${i + 1}` });
        sendOp({ type: 'page.background', pageId, background: { kind: 'image', assetId: slide.assetId } });
      });
    } catch (e) {
      showError(e);
    }
  };

  // ---------------------------------------------------------------- keyboard

  const actions = useRef({ undo: () => {}, redo: () => {}, del: () => {} });
  actions.current = {
    undo: () => canDraw && canUndo(room.board, me) && sendHistory('undo'),
    redo: () => canDraw && canRedo(room.board, me) && sendHistory('redo'),
    del: () => {
      if (!canDraw || !selectedObj) return;
      sendOp({ type: 'obj.delete', pageId: page.id, ids: [selectedObj.id] });
      setSelected(null);
    },
  };
  useEffect(() => {
    if (!visible) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        (e.shiftKey ? actions.current.redo : actions.current.undo)();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        actions.current.redo();
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        actions.current.del();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible]);

  // ---------------------------------------------------------------- pages and follow

  const leading = leader && follow?.by === me;
  const selectPage = (pageId: string) => {
    setChosen(pageId);
    setSelected(null);
    if (leading && pageId !== follow?.pageId) session.request('class.follow', { pageId }).catch(showError);
  };
  const addPage = () => {
    const pageId = newId();
    sendOp({ type: 'page.add', pageId, title: `Page ${board.pages.length + 1}`, index: board.pages.findIndex((x) => x.id === page.id) + 1 });
    selectPage(pageId);
  };

  // ---------------------------------------------------------------- exports

  const fileBase = () => `${(room.room?.title ?? 'board').replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'board'} - ${page.title.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || page.id}`;
  const exportSvg = () => {
    const svg = pageToSvg(board, page.id, { assetUrl: (id, pdfPage) => (pdfPage === undefined ? new URL(assetUrl(id), location.href).href : undefined) });
    download(new Blob([svg], { type: 'image/svg+xml' }), `${fileBase()}.svg`);
  };
  const exportPng = () => {
    const c = document.createElement('canvas');
    c.width = WB_CANVAS.width;
    c.height = WB_CANVAS.height;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    drawPage(ctx, page, imageOf);
    c.toBlob((blob) => blob && download(blob, `${fileBase()}.png`), 'image/png');
  };

  // ---------------------------------------------------------------- view

  const pendingDraw = self ? pendingRequests(room.class, self.userId).has('draw') : false;
  const readOnly = !canDraw;
  return (
    <section class="board" aria-label="Whiteboard" data-testid="whiteboard" data-sent={sent} data-page={page.id}>
      <Toolbar
        tool={tool}
        style={style}
        readOnly={readOnly}
        canUndo={canUndo(room.board, me)}
        canRedo={canRedo(room.board, me)}
        hasSelection={selectedObj !== null}
        leader={leader}
        onTool={(t) => {
          setTool(t);
          if (t !== 'select') setSelected(null);
          if (t === 'image') pickImage({ x: WB_CANVAS.width / 2, y: WB_CANVAS.height / 2 });
        }}
        onStyle={(s) => {
          setStyle(s);
          if (selectedObj && canDraw && s.color !== style.color && 'color' in selectedObj && selectedObj.kind !== 'sticky') {
            sendOp({ type: 'obj.update', pageId: page.id, id: selectedObj.id, patch: { color: s.color } });
          }
        }}
        onUndo={() => actions.current.undo()}
        onRedo={() => actions.current.redo()}
        onDelete={() => actions.current.del()}
        onClear={() => sendOp({ type: 'page.clear', pageId: page.id })}
        onExportSvg={exportSvg}
        onExportPng={exportPng}
        pdfHref={room.room ? `/api/rooms/${encodeURIComponent(room.room.id)}/board.pdf` : '#'}
        onSlides={(file) => void addSlides(file)}
      />
      {editor && (
        <TextEditor
          editor={editor}
          onCancel={() => setEditor(null)}
          onDone={(text) => {
            setEditor(null);
            if (editor.mode === 'new') {
              if (text.trim()) sendOp({ type: 'obj.add', pageId: page.id, object: textObject(newId(), editor.kind, editor.at, text, style) });
            } else if (text !== editor.text) {
              sendOp({ type: 'obj.update', pageId: page.id, id: editor.id, patch: { text } });
            }
          }}
        />
      )}
      <div class="board-stage">
        <canvas
          ref={canvasRef}
          class={cls('wb-canvas', readOnly ? 'wb-canvas-readonly' : `wb-canvas-${tool}`)}
          data-testid="wb-canvas"
          data-page={page.id}
          data-objects={page.objects.length}
          data-live-strokes="0"
          aria-label={`Whiteboard page "${page.title}", ${page.objects.length} objects`}
          role="img"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onDblClick={onDblClick}
        />
      </div>
      <Pages
        pages={board.pages}
        current={page.id}
        canAdd={canDraw}
        leader={leader && connected}
        pinned={pinned}
        leading={leading}
        onSelect={selectPage}
        onAdd={addPage}
        onRename={(pageId, title) => sendOp({ type: 'page.rename', pageId, title })}
        onMove={(pageId, index) => sendOp({ type: 'page.move', pageId, index })}
        onDelete={(pageId) => sendOp({ type: 'page.delete', pageId })}
        onFollow={(lead) => session.request('class.follow', lead ? { pageId: page.id } : {}).catch(showError)}
      />
      <div class="board-foot">
        {!caps?.draw && self && !leader && (
          <span class="muted small" data-testid="wb-readonly">
            You can look but not draw.{' '}
            {pendingDraw ? (
              <span class="chip chip-warn">Asked to draw…</span>
            ) : (
              <button type="button" class="btn btn-quiet btn-tiny" disabled={!connected} onClick={() => session.request('class.request', { capability: 'draw' }).catch(showError)} data-testid="board-ask-draw">
                Ask to draw
              </button>
            )}
          </span>
        )}
        {error && (
          <span class="error-text small" role="alert" data-testid="wb-error">
            {error}
          </span>
        )}
      </div>
      <input
        ref={fileInput}
        type="file"
        accept="image/png,image/jpeg"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          void onFile(f);
        }}
        data-testid="wb-file"
      />
    </section>
  );
}

const inCanvas = (p: Pt) => p.x >= 0 && p.y >= 0 && p.x <= WB_CANVAS.width && p.y <= WB_CANVAS.height;

/** The page as the gesture in progress changes it: moved or resized, or erased objects gone. */
function draggedPage(page: WbPage, d: Drag | null): WbPage {
  if (!d) return page;
  if (d.kind === 'move') {
    const patch = movePatch(d.obj, d.to.x - d.from.x, d.to.y - d.from.y);
    return { ...page, objects: page.objects.map((o) => (o.id === d.obj.id ? patched(o, patch) : o)) };
  }
  if (d.kind === 'resize') {
    const patch = resizePatch(d.obj, d.to);
    return patch ? { ...page, objects: page.objects.map((o) => (o.id === d.obj.id ? patched(o, patch) : o)) } : page;
  }
  return page;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function TextEditor({ editor, onDone, onCancel }: { editor: Editor; onDone: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(editor.text);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  const label = editor.mode === 'edit' ? 'Edit text' : editor.kind === 'sticky' ? 'Note text' : 'Text';
  return (
    <form
      class="wb-editor"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(text.slice(0, WbLimits.textLength));
      }}
    >
      <label class="visually-hidden" for="wb-editor-text">{label}</label>
      <textarea
        id="wb-editor-text"
        class="input wb-editor-text"
        rows={2}
        maxLength={WbLimits.textLength}
        placeholder={`${label} (Ctrl+Enter to place)`}
        value={text}
        ref={input}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onDone(text.slice(0, WbLimits.textLength));
          }
        }}
        data-testid="wb-text-input"
      />
      <button type="submit" class="btn btn-primary btn-tiny" data-testid="wb-text-done">
        {editor.mode === 'edit' ? 'Save' : 'Place'}
      </button>
      <button type="button" class="btn btn-quiet btn-tiny" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

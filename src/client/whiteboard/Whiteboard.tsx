// The whiteboard panel: the canvas (fit to width, device-pixel sharp), the toolbar and the pages
// strip. What is drawn is the server's board (room.board) with my unconfirmed edits on top
// (boardState.ts), plus the gesture in progress and others' live updates, through my own view
// (pan and zoom, view.ts). Pointer input becomes ops through tools.ts; every durable change is
// a wb.op, every live one a wb.live. The view is never sent: it is mine alone.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { WbEditOp, WbEphemeral } from '../../protocol/whiteboard.js';
import { canRedo, canUndo } from '../../whiteboard/model.js';
import { canControl, myCaps, pendingRequests } from '../classView.js';
import { cls } from '../format.js';
import { useClass } from '../components/class/context.js';
import { previewBoard, visiblePage, type PendingOp } from './boardState.js';
import { exportName, exportPng, exportSvg } from './exportPage.js';
import { Pages } from './Pages.js';
import { TextEditor, type Editor } from './TextEditor.js';
import { Toolbar } from './Toolbar.js';
import { COLORS, imageObject, newId, textObject, type Pt, type Style, type Tool } from './tools.js';
import { uploadImage, uploadSlides } from './upload.js';
import { useBoardKeys, type BoardKeyActions } from './useBoardKeys.js';
import { useBoardPainter } from './useBoardPainter.js';
import { usePointerTools, type Drag } from './usePointerTools.js';
import { FIT, panBy, viewCenter, visibleRect, zoomLabel, zoomStep, type View } from './view.js';

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
  const [view, setView] = useState<View>(FIT);

  const board = useMemo(() => previewBoard(room.board, pending, room.lastSeq), [room.board, pending, room.lastSeq]);
  const page = visiblePage(board, chosen, follow, leader);
  const pinned = !leader && follow !== null && page.id === follow.pageId;
  const selectedObj = selected ? page.objects.find((o) => o.id === selected) ?? null : null;

  // Confirmed edits whose events are in: the server's board has them now.
  useEffect(() => {
    setPending((p) => (p.some((x) => x.seq !== null && x.seq <= room.lastSeq) ? p.filter((x) => x.seq === null || x.seq > room.lastSeq) : p));
  }, [room.lastSeq]);

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

  // ---------------------------------------------------------------- canvas and pointer

  const roomId = room.room?.id ?? '';
  const assetUrl = (assetId: string) => `/api/rooms/${encodeURIComponent(roomId)}/assets/${encodeURIComponent(assetId)}`;
  const boardRef = useRef<HTMLElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<Drag>(null);
  const panKey = useRef(false);
  const { schedule, imageOf } = useBoardPainter(canvasRef, drag, { page, board, selected: selectedObj, style, view, names: room.names }, { visible, session, me, assetUrl });
  const pointer = usePointerTools({
    canvasRef, drag, schedule, view, onView: setView, panKey, canDraw, editing: editor !== null, tool, style, page, selected: selectedObj,
    onSelect: setSelected, onEdit: setEditor, onPickImage: (at) => pickImage(at), sendOp, sendLive,
  });
  const canvasWidth = () => canvasRef.current?.clientWidth ?? 0;
  const zoom = (dir: 1 | -1) => setView((v) => zoomStep(v, canvasWidth(), dir));
  const fit = () => setView(FIT);

  // ---------------------------------------------------------------- images

  const fileInput = useRef<HTMLInputElement>(null);
  const imageAt = useRef<Pt>(viewCenter(FIT));
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

  const actions = useRef<BoardKeyActions>(null);
  actions.current = {
    undo: () => canDraw && canUndo(room.board, me) && sendHistory('undo'),
    redo: () => canDraw && canRedo(room.board, me) && sendHistory('redo'),
    del: () => {
      if (!canDraw || !selectedObj) return;
      sendOp({ type: 'obj.delete', pageId: page.id, ids: [selectedObj.id] });
      setSelected(null);
    },
    zoom,
    fit,
    pan: (dx, dy) => setView((v) => panBy(v, canvasWidth(), dx, dy)),
  };
  useBoardKeys(visible, boardRef, canvasRef, actions, panKey);

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

  const fileName = () => exportName(room.room?.title, page);

  // ---------------------------------------------------------------- view

  const pendingDraw = self ? pendingRequests(room.class, self.userId).has('draw') : false;
  const readOnly = !canDraw;
  return (
    <section ref={boardRef} class="board" aria-label="Whiteboard" data-testid="whiteboard" data-sent={sent} data-page={page.id}>
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
          if (t === 'image') pickImage(viewCenter(view));
        }}
        onStyle={(s) => {
          setStyle(s);
          if (selectedObj && canDraw && s.color !== style.color && 'color' in selectedObj && selectedObj.kind !== 'sticky') {
            sendOp({ type: 'obj.update', pageId: page.id, id: selectedObj.id, patch: { color: s.color } });
          }
        }}
        onUndo={() => actions.current!.undo()}
        onRedo={() => actions.current!.redo()}
        onDelete={() => actions.current!.del()}
        onClear={() => sendOp({ type: 'page.clear', pageId: page.id })}
        zoom={view.zoom}
        onZoom={zoom}
        onFit={fit}
        onExportSvg={() => exportSvg(board, page, fileName(), assetUrl)}
        onExportPng={() => exportPng(page, fileName(), imageOf)}
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
          data-zoom={view.zoom}
          data-view={viewBoxOf(view)}
          aria-label={`Whiteboard page "${page.title}", ${page.objects.length} objects, zoom ${zoomLabel(view.zoom)}`}
          role="img"
          tabIndex={0}
          onPointerDown={pointer.onPointerDown}
          onPointerMove={pointer.onPointerMove}
          onPointerUp={pointer.onPointerUp}
          onPointerCancel={pointer.onPointerCancel}
          onDblClick={pointer.onDblClick}
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

/** My view as an SVG viewBox ("x y w h", board units): for tests and for anyone inspecting the page. */
function viewBoxOf(v: View): string {
  const r = visibleRect(v);
  return [r.x, r.y, r.w, r.h].map((n) => Math.round(n * 100) / 100).join(' ');
}

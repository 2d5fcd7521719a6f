// The board's toolbar: tools, palette, widths, undo/redo, delete, clear (staff), my zoom and
// exports. Stateless: the board owns every value and passes the callbacks. The zoom controls
// stay enabled for people who may not draw: looking closer is not editing.
import { cls } from '../format.js';
import { FitIcon, RedoIcon, TOOL_ICON, TrashIcon, UndoIcon, ZoomInIcon, ZoomOutIcon } from './icons.js';
import { COLORS, TOOLS, TOOL_LABEL, WIDTHS, type Style, type Tool } from './tools.js';
import { ZOOM, zoomLabel } from './view.js';

export interface ToolbarProps {
  tool: Tool;
  style: Style;
  /** Drawing tools are disabled (no draw capability, or offline). */
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  /** Staff: may clear the page. */
  leader: boolean;
  onTool(t: Tool): void;
  onStyle(s: Style): void;
  onUndo(): void;
  onRedo(): void;
  onDelete(): void;
  onClear(): void;
  /** My view's zoom (1: the whole page fits). */
  zoom: number;
  onZoom(dir: 1 | -1): void;
  onFit(): void;
  onExportSvg(): void;
  onExportPng(): void;
  /** Where the whole board downloads as a PDF. */
  pdfHref: string;
  /** Staff: turn a PDF into slide pages. */
  onSlides(file: File): void;
}

export function Toolbar(p: ToolbarProps) {
  return (
    <div class="wb-toolbar" role="toolbar" aria-label="Whiteboard tools">
      <div class="wb-group" role="group" aria-label="Tools">
        {TOOLS.map((t) => (
          <button
            key={t}
            type="button"
            class={cls('wb-tool', p.tool === t && 'wb-tool-on')}
            aria-pressed={p.tool === t}
            title={TOOL_LABEL[t]}
            aria-label={TOOL_LABEL[t]}
            disabled={p.readOnly}
            onClick={() => p.onTool(t)}
            data-testid={`tool-${t}`}
          >
            {TOOL_ICON[t]()}
          </button>
        ))}
      </div>
      <div class="wb-group" role="group" aria-label="Colour">
        {COLORS.map((c, i) => (
          <button
            key={c}
            type="button"
            class={cls('wb-swatch', `swatch-${i}`, p.style.color === c && 'wb-swatch-on')}
            aria-pressed={p.style.color === c}
            aria-label={`Colour ${c}`}
            title={c}
            disabled={p.readOnly}
            onClick={() => p.onStyle({ ...p.style, color: c })}
            data-testid={`color-${i}`}
          />
        ))}
      </div>
      <div class="wb-group" role="group" aria-label="Width">
        {WIDTHS.map((w, i) => (
          <button
            key={w}
            type="button"
            class={cls('wb-tool', 'wb-width', p.style.width === w && 'wb-tool-on')}
            aria-pressed={p.style.width === w}
            aria-label={`Width ${w}`}
            title={`Width ${w}`}
            disabled={p.readOnly}
            onClick={() => p.onStyle({ ...p.style, width: w })}
          >
            <span class={`wb-dot wb-dot-${i}`} aria-hidden="true" />
          </button>
        ))}
      </div>
      <div class="wb-group" role="group" aria-label="Edit">
        <button type="button" class="wb-tool" title="Undo (Ctrl+Z)" aria-label="Undo" disabled={p.readOnly || !p.canUndo} onClick={p.onUndo} data-testid="wb-undo">
          <UndoIcon />
        </button>
        <button type="button" class="wb-tool" title="Redo (Ctrl+Shift+Z)" aria-label="Redo" disabled={p.readOnly || !p.canRedo} onClick={p.onRedo} data-testid="wb-redo">
          <RedoIcon />
        </button>
        <button type="button" class="wb-tool" title="Delete selected (Delete)" aria-label="Delete selected" disabled={p.readOnly || !p.hasSelection} onClick={p.onDelete} data-testid="wb-delete">
          <TrashIcon />
        </button>
        {p.leader && (
          <button type="button" class="btn btn-quiet btn-tiny" disabled={p.readOnly} onClick={p.onClear} data-testid="wb-clear">
            Clear page
          </button>
        )}
      </div>
      <div class="wb-group" role="group" aria-label="Zoom">
        <button type="button" class="wb-tool" title="Zoom out (-)" aria-label="Zoom out" disabled={p.zoom <= ZOOM.min + 1e-6} onClick={() => p.onZoom(-1)} data-testid="wb-zoom-out">
          <ZoomOutIcon />
        </button>
        <output class="wb-zoom" aria-label="Zoom" data-testid="wb-zoom">
          {zoomLabel(p.zoom)}
        </output>
        <button type="button" class="wb-tool" title="Zoom in (+)" aria-label="Zoom in" disabled={p.zoom >= ZOOM.max - 1e-6} onClick={() => p.onZoom(1)} data-testid="wb-zoom-in">
          <ZoomInIcon />
        </button>
        <button type="button" class="wb-tool" title="Fit the page (0)" aria-label="Fit the page" onClick={p.onFit} data-testid="wb-fit">
          <FitIcon />
        </button>
      </div>
      <div class="wb-group wb-export" role="group" aria-label="Export">
        <button type="button" class="btn btn-quiet btn-tiny" onClick={p.onExportSvg} data-testid="export-svg">
          Export SVG
        </button>
        <button type="button" class="btn btn-quiet btn-tiny" onClick={p.onExportPng} data-testid="export-png">
          Export PNG
        </button>
        <a class="btn btn-quiet btn-tiny" href={p.pdfHref} download data-testid="export-pdf">
          Export PDF
        </a>
        {p.leader && !p.readOnly && (
          <label class="btn btn-quiet btn-tiny" data-testid="wb-slides">
            Add slides (PDF)
            <input
              type="file"
              accept="application/pdf"
              class="visually-hidden"
              onChange={(e) => {
                const input = e.currentTarget;
                const file = input.files?.[0];
                input.value = '';
                if (file) p.onSlides(file);
              }}
            />
          </label>
        )}
      </div>
    </div>
  );
}

// The board's keyboard: Ctrl/Cmd+Z (Shift for redo) and Ctrl/Cmd+Y anywhere outside a text
// field, Delete/Backspace for the selection; while focus is on the board, + and - zoom, 0 fits
// the page, and the arrow keys pan when the canvas itself has focus. While Space is held,
// `spaceHeld` is set and a drag on the canvas pans (usePointerTools reads it).
import { useEffect } from 'preact/hooks';
import type { RefObject } from 'preact';

export interface BoardKeyActions {
  undo(): void;
  redo(): void;
  del(): void;
  zoom(dir: 1 | -1): void;
  fit(): void;
  /** Moves the board by screen pixels. */
  pan(dx: number, dy: number): void;
}

/** Arrow keys pan by this share of the canvas's width. */
const ARROW_PAN = 0.1;

export function useBoardKeys(
  visible: boolean,
  boardRef: RefObject<HTMLElement>,
  canvasRef: RefObject<HTMLCanvasElement>,
  actions: RefObject<BoardKeyActions>,
  spaceHeld: RefObject<boolean>,
): void {
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!visible || !canvas) return;
    let hovering = false;
    // A person who clicked a toolbar button and then holds Space over the canvas means to pan;
    // one who tabbed to the button means to press it. Only the last kind of input tells them apart.
    let keyboardNav = false;
    const setPan = (on: boolean) => {
      spaceHeld.current = on;
      if (on && !canvas.dataset.pan) canvas.dataset.pan = 'ready';
      if (!on && canvas.dataset.pan === 'ready') delete canvas.dataset.pan;
    };
    const onKeyDown = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key === 'Tab') keyboardNav = true;
      if (isTextField(t)) return;
      const a = actions.current!;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        (e.shiftKey ? a.redo : a.undo)();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        a.redo();
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        a.del();
      } else if (e.key === ' ' && !mod && (t === canvas || (hovering && !(keyboardNav && isControl(t))))) {
        // Also stops the page scrolling, and a focused button from being pressed on release.
        e.preventDefault();
        setPan(true);
      } else if (!mod && !e.altKey && t && boardRef.current?.contains(t)) {
        if (e.key === '+' || e.key === '=') a.zoom(1);
        else if (e.key === '-' || e.key === '_') a.zoom(-1);
        else if (e.key === '0') a.fit();
        else if (t === canvas && e.key.startsWith('Arrow')) {
          const step = canvas.clientWidth * ARROW_PAN;
          const dx = e.key === 'ArrowLeft' ? step : e.key === 'ArrowRight' ? -step : 0;
          const dy = e.key === 'ArrowUp' ? step : e.key === 'ArrowDown' ? -step : 0;
          a.pan(dx, dy);
        } else return;
        e.preventDefault();
      }
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key !== ' ' || !spaceHeld.current) return;
      e.preventDefault();
      setPan(false);
    };
    const onBlur = () => setPan(false);
    const onPointer = () => {
      keyboardNav = false;
    };
    const onEnter = () => {
      hovering = true;
    };
    const onLeave = () => {
      hovering = false;
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    window.addEventListener('pointerdown', onPointer, true);
    canvas.addEventListener('pointerenter', onEnter);
    canvas.addEventListener('pointerleave', onLeave);
    return () => {
      setPan(false);
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('pointerdown', onPointer, true);
      canvas.removeEventListener('pointerenter', onEnter);
      canvas.removeEventListener('pointerleave', onLeave);
    };
  }, [visible]);
}

const isTextField = (t: HTMLElement | null): boolean =>
  !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

const isControl = (t: HTMLElement | null): boolean => !!t && (t.tagName === 'BUTTON' || t.tagName === 'A' || t.tagName === 'SUMMARY');

// The board's toolbar icons as inline SVG (an emoji may have no font to draw it; SVG attributes
// are not styles, so the CSP allows them). 24×24, drawn with currentColor.
import type { ComponentChildren, JSX } from 'preact';
import type { Tool } from './tools.js';

function Icon({ children }: { children: ComponentChildren }) {
  return (
    <svg class="icon" width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export const TOOL_ICON: Record<Tool, () => JSX.Element> = {
  select: () => <Icon><path d="M5 3l6.5 17 2.5-7 7-2.5z" /></Icon>,
  pen: () => <Icon><path d="M4 20l1-4L16.5 4.5a2.1 2.1 0 0 1 3 3L8 19z" /><path d="M14.5 6.5l3 3" /></Icon>,
  highlighter: () => <Icon><path d="M9 11l-5 5v4h4l5-5" /><path d="M9 11l6-7 5 5-7 6z" /></Icon>,
  line: () => <Icon><path d="M5 19L19 5" /></Icon>,
  arrow: () => <Icon><path d="M5 19L19 5" /><path d="M10 5h9v9" /></Icon>,
  rect: () => <Icon><rect x="3" y="5" width="18" height="14" rx="1" /></Icon>,
  ellipse: () => <Icon><ellipse cx="12" cy="12" rx="9" ry="7" /></Icon>,
  text: () => <Icon><path d="M5 5h14M12 5v14M9 19h6" /></Icon>,
  sticky: () => <Icon><path d="M4 4h16v10l-6 6H4z" /><path d="M14 20v-6h6" /></Icon>,
  image: () => <Icon><rect x="3" y="4" width="18" height="16" rx="2" /><circle cx="9" cy="10" r="2" /><path d="M21 16l-5-5-9 9" /></Icon>,
  eraser: () => <Icon><path d="M8 20h12" /><path d="M4.5 15.5l9-9a2 2 0 0 1 2.8 0l3.2 3.2a2 2 0 0 1 0 2.8L12 20H8z" /></Icon>,
  laser: () => <Icon><circle cx="12" cy="12" r="3" /><path d="M12 2v3M12 19v3M2 12h3M19 12h3" /></Icon>,
};

export const UndoIcon = () => <Icon><path d="M9 14L4 9l5-5" /><path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" /></Icon>;
export const RedoIcon = () => <Icon><path d="M15 14l5-5-5-5" /><path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13" /></Icon>;
export const TrashIcon = () => <Icon><path d="M3 6h18" /><path d="M8 6V4h8v2" /><path d="M6 6l1 14h10l1-14" /></Icon>;
export const ZoomInIcon = () => <Icon><circle cx="11" cy="11" r="7" /><path d="M21 21l-5-5M8 11h6M11 8v6" /></Icon>;
export const ZoomOutIcon = () => <Icon><circle cx="11" cy="11" r="7" /><path d="M21 21l-5-5M8 11h6" /></Icon>;
export const FitIcon = () => <Icon><path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" /></Icon>;

// Icons as inline SVG (an emoji may have no font to draw it; SVG attributes are not styles,
// so the CSP allows them). Paths from Lucide (ISC licence), 24×24, drawn with currentColor.
import type { ComponentChildren } from 'preact';

function Icon({ children, size = 16, class: className }: { children: ComponentChildren; size?: number; class?: string }) {
  return (
    <svg
      class={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const HandIcon = (p: { size?: number }) => (
  <Icon size={p.size}>
    <path d="M18 11V6a2 2 0 0 0-2-2a2 2 0 0 0-2 2" />
    <path d="M14 10V4a2 2 0 0 0-2-2a2 2 0 0 0-2 2v2" />
    <path d="M10 10.5V6a2 2 0 0 0-2-2a2 2 0 0 0-2 2v8" />
    <path d="M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.86-5.99-2.34l-3.6-3.6a2 2 0 0 1 2.83-2.82L7 15" />
  </Icon>
);

export const DoneIcon = (p: { size?: number; class?: string }) => (
  <Icon size={p.size} class={p.class}>
    <circle cx="12" cy="12" r="10" />
    <path d="m9 12 2 2 4-4" />
  </Icon>
);

export const LeaveIcon = (p: { size?: number; class?: string }) => (
  <Icon size={p.size} class={p.class}>
    <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
    <path d="m16 17 5-5-5-5" />
    <path d="M21 12H9" />
  </Icon>
);

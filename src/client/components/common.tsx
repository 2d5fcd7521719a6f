// Small building blocks shared by the screens.
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { ParticipantRole } from '../../protocol/messages.js';
import type { Me } from '../api.js';
import { ROLE_LABEL, cls } from '../format.js';
import { onLinkClick } from '../router.js';

export function Link(props: { href: string; class?: string; children: ComponentChildren; 'data-testid'?: string }) {
  return (
    <a href={props.href} class={props.class} onClick={onLinkClick} data-testid={props['data-testid']}>
      {props.children}
    </a>
  );
}

export function RoleBadge({ role, small }: { role: ParticipantRole; small?: boolean }) {
  return <span class={cls('badge', `badge-${role}`, small && 'badge-small')}>{ROLE_LABEL[role]}</span>;
}

/** Sets the tab title and moves focus to the screen's heading, so screen readers announce the new screen. */
export function useScreen(title: string): RefObject<HTMLHeadingElement> {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Classroom`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return heading;
}

export function Brand() {
  return (
    <Link href="/" class="brand">
      <span class="brand-mark" aria-hidden="true">C</span>
      <span class="brand-name">Classroom</span>
    </Link>
  );
}

export function UserMenu({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  return (
    <div class="user-menu">
      <span class="user-name" data-testid="current-user">{me.user.displayName}</span>
      <button type="button" class="btn btn-quiet" onClick={onSignOut} data-testid="sign-out">
        Sign out
      </button>
    </div>
  );
}

export function CenteredCard({ children }: { children: ComponentChildren }) {
  return (
    <main class="centered">
      <div class="card card-narrow">{children}</div>
    </main>
  );
}

export function FullPageMessage(props: {
  title: string;
  message: string;
  action?: { label: string; href?: string; onClick?: () => void };
}) {
  const heading = useScreen(props.title);
  const a = props.action;
  return (
    <CenteredCard>
      <h1 tabIndex={-1} ref={heading}>{props.title}</h1>
      <p class="muted">{props.message}</p>
      {a && (a.href ? <Link href={a.href} class="btn btn-primary">{a.label}</Link> : <button type="button" class="btn btn-primary" onClick={a.onClick}>{a.label}</button>)}
    </CenteredCard>
  );
}

/** An error sentence next to the thing it is about, announced when it appears. */
export function ErrorText({ message, id, testid }: { message: string | null; id?: string; testid?: string }) {
  if (!message) return null;
  return (
    <p class="error-text" role="alert" id={id} data-testid={testid}>
      {message}
    </p>
  );
}

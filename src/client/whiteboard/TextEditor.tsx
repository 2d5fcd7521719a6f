// The form for typing a new text or note, or editing one. Nothing is sent while typing: the
// object is added (or patched) once, on Place or Ctrl+Enter, so it is one undoable edit.
import { useEffect, useRef, useState } from 'preact/hooks';
import { WbLimits } from '../../protocol/whiteboardLimits.js';
import type { Pt } from './tools.js';

/** Text being typed for a new text or note (`at` in board units), or an existing one being edited. */
export type Editor = { mode: 'new'; kind: 'text' | 'sticky'; at: Pt; text: string } | { mode: 'edit'; id: string; text: string };

export function TextEditor({ editor, onDone, onCancel }: { editor: Editor; onDone: (text: string) => void; onCancel: () => void }) {
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

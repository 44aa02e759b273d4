// The buttons of the actions the API offers for a subject, a confirmation dialog (native <dialog>: focus kept
// inside, Escape cancels) with the action's options, and the outcome announced in a status region.
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { AppContext } from '../context.js';
import { availableActions } from '../actions.js';

export function Actions({ actions, subject, label, onDone, compact = false }) {
  const { api, offered } = useContext(AppContext);
  const [asking, setAsking] = useState(null);
  const [busy, setBusy] = useState(null);
  const [outcome, setOutcome] = useState(null);
  const list = availableActions(actions, offered, subject);

  async function perform(action, options) {
    setAsking(null);
    setBusy(action.id);
    setOutcome(null);
    try {
      await action.run(api, subject, options);
      setOutcome({ ok: true, text: action.done || `${action.label}: done.` });
      onDone?.(action);
    } catch (e) {
      setOutcome({ ok: false, text: `${action.label} failed: ${e.message}` });
    } finally {
      setBusy(null);
    }
  }

  return html`<div class="actions" role="group" aria-label=${label}>
    ${list.length === 0 && !compact ? html`<p class="muted">No actions apply now.</p>` : null}
    ${list.map((a) => html`<button type="button" class=${a.danger ? 'danger' : ''} data-action=${a.id}
        disabled=${!!busy} aria-busy=${busy === a.id ? 'true' : 'false'}
        onClick=${() => (a.confirm || a.options ? setAsking(a) : perform(a, {}))}>
        ${busy === a.id ? `${a.label}…` : a.label}${a.describe
          ? html`<span class="visually-hidden"> ${a.describe(subject)}</span>` : null}</button>`)}
    <p class="outcome" role="status">${outcome
      ? html`<span class=${outcome.ok ? 'ok' : 'failed'}>${outcome.text}</span>` : null}</p>
    ${asking ? html`<${Confirm} action=${asking} subject=${subject}
        onCancel=${() => setAsking(null)} onConfirm=${(o) => perform(asking, o)} />` : null}
  </div>`;
}

function Confirm({ action, subject, onCancel, onConfirm }) {
  const ref = useRef(null);
  const [options, setOptions] = useState(
    Object.fromEntries((action.options || []).map((o) => [o.name, !!o.checked])));
  useEffect(() => {
    const dialog = ref.current;
    dialog.showModal();
    const cancel = (e) => {
      e.preventDefault();
      onCancel();
    };
    dialog.addEventListener('cancel', cancel);
    return () => dialog.removeEventListener('cancel', cancel);
  }, []);
  const titleId = `confirm-${action.id}-title`;
  return html`<dialog ref=${ref} aria-labelledby=${titleId} class="confirm">
    <form method="dialog" onSubmit=${(e) => {
      e.preventDefault();
      onConfirm(options);
    }}>
      <h2 id=${titleId}>${action.confirm ? action.confirm(subject) : action.label}</h2>
      ${(action.options || []).map((o) => html`<p><label>
        <input type="checkbox" name=${o.name} checked=${options[o.name]}
          onChange=${(e) => setOptions({ ...options, [o.name]: e.currentTarget.checked })} />
        ${' '}${o.label}</label></p>`)}
      <div class="dialog-buttons">
        <button type="button" onClick=${onCancel}>Cancel</button>
        <button type="submit" class=${action.danger ? 'danger' : 'primary'} data-confirm=${action.id}>${action.label}</button>
      </div>
    </form>
  </dialog>`;
}

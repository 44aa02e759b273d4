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
      let result = await action.run(api, subject, options);
      if (action.follow) {
        // Background work: the buttons are free again while the outcome line follows it (a read a second).
        setBusy(null);
        onDone?.(action);
        for (let f = action.follow(result); ; f = action.follow(result)) {
          setOutcome({ ok: true, text: f.text });
          if (f.finished) {
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
          result = await action.poll(api, result);
        }
      } else {
        setOutcome({ ok: true, text: action.done || `${action.label}: done.` });
      }
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
    Object.fromEntries((action.options || []).map((o) => [o.name, initial(o)])));
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
      ${(action.options || []).map((o) => html`<p>${field(o, options[o.name],
        (v) => setOptions({ ...options, [o.name]: v }))}</p>`)}
      <div class="dialog-buttons">
        <button type="button" onClick=${onCancel}>Cancel</button>
        <button type="submit" class=${action.danger ? 'danger' : 'primary'} data-confirm=${action.id}>${action.label}</button>
      </div>
    </form>
  </dialog>`;
}

/** An option's first value: a checkbox's checked, a select's first choice, a text field empty. */
function initial(o) {
  if (o.type === 'select') {
    return o.choices[0];
  }
  return o.type === 'text' ? '' : !!o.checked;
}

/** An option's control, labelled: a checkbox (default), a text field or text area, or a select. */
function field(o, value, set) {
  if (o.type === 'text') {
    return html`<label>${o.label}<br />${o.multiline
      ? html`<textarea name=${o.name} rows="4" value=${value} onInput=${(e) => set(e.currentTarget.value)} />`
      : html`<input type="text" name=${o.name} value=${value} onInput=${(e) => set(e.currentTarget.value)} />`}</label>`;
  }
  if (o.type === 'select') {
    return html`<label>${o.label}${' '}<select name=${o.name} value=${value}
      onChange=${(e) => set(e.currentTarget.value)}>${o.choices.map((c) => html`<option value=${c}>${c}</option>`)}
      </select></label>`;
  }
  return html`<label><input type="checkbox" name=${o.name} checked=${value}
    onChange=${(e) => set(e.currentTarget.checked)} />${' '}${o.label}</label>`;
}

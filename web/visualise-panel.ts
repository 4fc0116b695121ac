// The class model visualisation panel. PLACEHOLDER: class model visualisation (Explainer.visualise)
// is being built on branch `visualise`; once it is merged this panel draws it live, with a
// progress bar and a cancel button.
import type { Explainer } from '../ts/browser.js';

export function mountVisualise(root: HTMLElement, _explainer: Explainer): void {
  root.innerHTML = '<p class="small">Class model visualisation (the paper\'s section 2) is not in this build yet: it arrives with the <code>visualise</code> branch.</p>';
}

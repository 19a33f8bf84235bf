import { render } from 'preact';
import { POPUP_RENDERED_MARK } from '../src/ui/marks.ts';
import { pageActions } from '../src/ui/page-actions.ts';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) {
  render(<App actions={pageActions()} />, root);
  // Preact renders synchronously: the first view is in the document now (scripts/bench/popup-paint.ts).
  performance.mark(POPUP_RENDERED_MARK);
}

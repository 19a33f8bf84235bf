import { render } from 'preact';
import { reportPageActions } from '../src/ui/page-actions.ts';
import { ReportApp } from './app.tsx';
import { parseRoute } from './route.ts';

const root = document.getElementById('app');
const actions = reportPageActions();
// History links only change the hash; re-rendering with the new route keeps the loaded state.
const show = () => {
  if (root) render(<ReportApp actions={actions} route={parseRoute(location.hash)} />, root);
};
window.addEventListener('hashchange', show);
show();

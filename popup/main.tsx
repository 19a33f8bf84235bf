import { render } from 'preact';
import { pageActions } from '../src/ui/page-actions.ts';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) render(<App actions={pageActions()} />, root);

import { render } from 'preact';
import { browserDeps, runHeadsetCheck } from '../src/device/headset-check.ts';
import { DeviceApp } from './app.tsx';

const root = document.getElementById('app');
if (root) render(<DeviceApp check={(onProgress) => runHeadsetCheck(browserDeps(), onProgress)} />, root);

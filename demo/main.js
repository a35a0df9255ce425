// Entry of the demo (vite). The package declares `sideEffects: false`, so modules are imported for
// what they export and started explicitly; a bare `import './app.js'` would be dropped by the build.
import './style.css';
import { start } from './app.js';

start();

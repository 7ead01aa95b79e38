// npm start: builds the client when its build is missing or stale, then runs the server.
import { ensureClientBuild } from './lib/clientBuild.js';

ensureClientBuild();
await import('../server/src/server.js');

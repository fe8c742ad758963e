/**
 * Electron main process entry (out/main/index.js). src/main/app.ts wires the app together;
 * the rules and each concern live in their own files (docs/architecture.md, "Electron").
 */
import { runApp } from './app';

runApp();

#!/usr/bin/env node
// The compiled CLI when it is up to date with the sources, else the sources (see load.js).
import { start } from './load.js';

await start('gstack-sync');

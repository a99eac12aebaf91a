import type { Plugin } from 'vite';

/** Writes `.br` and `.gz` copies beside the built app's text files (precompress.js). */
export function precompress(): Plugin;

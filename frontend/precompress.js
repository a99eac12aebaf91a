/**
 * A build step (vite.config.ts) that writes a brotli (`.br`) and a gzip (`.gz`) copy beside every text file
 * of the built app. The server (aiohttp's FileResponse) sends such a copy, as it is, to a browser whose
 * Accept-Encoding allows it, so members on poor mobile data download a fraction of the bytes and no CPU is
 * spent compressing per request. Maximum quality: it runs once per build. A copy that would not be smaller
 * (a tiny file) is not written. Source maps are left alone: only people debugging fetch them.
 *
 * Plain JavaScript with its types in precompress.d.ts: it runs in Node, and the app's TypeScript setup has
 * browser types only (no @types/node dependency for a few lines).
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = /\.(?:js|css|html|svg)$/;

/** @returns {import('vite').Plugin} */
export function precompress() {
  return {
    name: 'alongside:precompress',
    apply: 'build',
    enforce: 'post',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const fileName of Object.keys(bundle)) {
        if (!TEXT.test(fileName)) continue;
        const path = resolve(dir, fileName);
        const plain = readFileSync(path);
        const brotli = brotliCompressSync(plain, {
          params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
          },
        });
        const gzip = gzipSync(plain, { level: constants.Z_BEST_COMPRESSION });
        if (brotli.length < plain.length) writeFileSync(`${path}.br`, brotli);
        if (gzip.length < plain.length) writeFileSync(`${path}.gz`, gzip);
      }
    },
  };
}

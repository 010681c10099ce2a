// Entry of the store's writer thread (see store-writer.ts). Plain JavaScript because Node 20 does
// not apply --import loaders to a worker's entry module: tsx is registered here, then the
// TypeScript worker is loaded through it.
import { register } from 'tsx/esm/api';

register();
await import('./store-writer-worker.ts');

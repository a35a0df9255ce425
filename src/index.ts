// Public exports only. Each area adds its public surface as one line here.
export const VERSION = '0.1.0';
export { OmniEmbedError } from './errors';

export { canonicalJson, hashRecord } from './canonical-json.js';

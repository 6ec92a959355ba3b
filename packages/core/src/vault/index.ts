export { rotateKeys } from './rotate-keys.js';
export { createVault, type EncryptionKey, type Vault } from './vault.js';

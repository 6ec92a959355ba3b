export type { AuthEvent, AuthManager, AuthManagerOptions } from './auth-manager.js';
export { createAuthManager } from './create-auth-manager.js';

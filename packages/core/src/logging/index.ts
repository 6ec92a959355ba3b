export { type LogFields, type Logger, silentLogger } from './logger.js';
